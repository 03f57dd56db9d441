/**
 * A short random tag for names that must not collide (temporary files, log files, run
 * ids), beside the process id and a counter or a time. Not a secret: Math.random (seeded
 * by V8 from the system's entropy in every process) spares the load of node:crypto
 * (see node-crypto.ts).
 */
export function randomTag(length = 8): string {
  let tag = "";
  while (tag.length < length) tag += Math.random().toString(36).slice(2);
  return tag.slice(0, length);
}
