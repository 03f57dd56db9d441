// Where pipewright keeps its state lives in core (the compiler keeps its module graph
// there too); the runner re-exports it, as before.
export { STATE_DIR_ENV, stateDir } from "@pipewright/core";
