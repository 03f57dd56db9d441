import type { AirflowOptions } from "./options.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Airflow's Secret upper-cases env targets; accepting only upper case keeps what the
// user wrote and what the pod sees the same.
const SECRET_ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Kubernetes object names (DNS subdomain) and secret data keys.
export const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** Set by the emitted BashOperator itself: it carries Airflow's run id to the shell. */
const RUN_ID_VARIABLE = "PIPEWRIGHT_RUN_ID";
/** The keys `storage.credentialsSecret` must hold, as the Argo adapter expects too. */
const CREDENTIAL_KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

const isString = (v: unknown): v is string => typeof v === "string";

export interface Environment {
  env: [string, string][];
  /** [variable, secret name, key in the secret]. */
  secrets: [string, string, string][];
}

/**
 * Plain variables (storage settings first, under the names the io package reads, then
 * `env`) and secret references (storage credentials, then `secretEnv`). A variable set
 * twice is an error, as are secrets with the bash operator, which has no Kubernetes to
 * read them from.
 */
export function resolveEnvironment(
  options: AirflowOptions,
  kube: boolean,
  bad: (field: string, message: string) => void,
): Environment {
  const out: Environment = { env: [], secrets: [] };
  const setBy = new Map<string, string>();
  const claim = (name: string, from: string, pattern: RegExp, what: string): boolean => {
    if (!pattern.test(name)) bad(from, `${JSON.stringify(name)} ${what}`);
    else if (name === RUN_ID_VARIABLE && !kube)
      bad(from, `${name} is set by the DAG itself (it carries Airflow's run id)`);
    else if (setBy.has(name)) bad(from, `${name} is also set by ${setBy.get(name)}: set it once`);
    else {
      setBy.set(name, from);
      return true;
    }
    return false;
  };
  const plain = (name: string, value: unknown, from: string) => {
    if (value === undefined) return;
    if (!isString(value)) bad(from, `the value of ${name} must be a string`);
    else if (
      claim(
        name,
        from,
        ENV_NAME,
        'is not an environment variable name (letters, digits and "_", not starting with a digit)',
      )
    ) {
      out.env.push([name, value]);
    }
  };
  const secret = (
    name: string,
    ref: { secret?: unknown; key?: unknown } | undefined,
    from: string,
  ) => {
    if (!ref || !isString(ref.secret) || !K8S_NAME.test(ref.secret)) {
      bad(
        from,
        `${name}: secret ${JSON.stringify(ref?.secret)} is not a Kubernetes secret name (lower-case letters, digits, "-" and ".")`,
      );
    } else if (!isString(ref.key) || !SECRET_KEY.test(ref.key)) {
      bad(from, `${name}: key ${JSON.stringify(ref.key)} is not a Kubernetes secret key`);
    } else if (
      claim(
        name,
        from,
        SECRET_ENV_NAME,
        "must be an upper-case environment variable name (Airflow upper-cases it)",
      )
    ) {
      out.secrets.push([name, ref.secret, ref.key]);
    }
  };

  const storage = options.storage ?? {};
  plain("PIPEWRIGHT_CACHE", storage.cache, "storage.cache");
  plain("AWS_ENDPOINT_URL", storage.endpoint, "storage.endpoint");
  plain("AWS_REGION", storage.region, "storage.region");
  // A place a non-root container can write: the project in the image may be read-only.
  plain(
    "PIPEWRIGHT_STATE_DIR",
    options.stateDir ?? (kube ? "/tmp/pipewright" : undefined),
    "stateDir",
  );
  for (const [name, value] of Object.entries(options.env ?? {})) plain(name, value, "env");

  const secrets = Object.entries(options.secretEnv ?? {});
  if (!kube) {
    const why =
      "needs the kubernetes operator; with bash, give the Airflow worker its credentials in its own environment";
    if (storage.credentialsSecret !== undefined) bad("storage.credentialsSecret", why);
    if (secrets.length > 0) bad("secretEnv", why);
    return out;
  }
  if (storage.credentialsSecret !== undefined) {
    for (const key of CREDENTIAL_KEYS)
      secret(key, { secret: storage.credentialsSecret, key }, "storage.credentialsSecret");
  }
  for (const [name, ref] of secrets) secret(name, ref, "secretEnv");
  return out;
}
