// The option checks Argo, Airflow and Kubeflow share (optionChecks): on random strings
// they agree with Kubernetes' rules written out plainly, and each refusal says why.
import { describe, expect, it } from "vitest";
import { random } from "../../../test/support/random.ts";
import { optionChecks as checks } from "../src/index.ts";

const ALPHABET = "ab-z09.A_/ é\t";

function randomString(next: () => number): string {
  // Mostly short, sometimes past the 63 and 253 limits.
  const length = next() < 0.1 ? 60 + Math.floor(next() * 200) : Math.floor(next() * 12);
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

const alnum = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);

/** Lowercase letters, digits and "-", starting and ending with a letter or digit. */
function isLabelShape(s: string): boolean {
  return (
    s.length > 0 && alnum(s[0]) && alnum(s.at(-1)) && [...s].every((c) => alnum(c) || c === "-")
  );
}

/** RFC 1123 as Kubernetes validates it: a label is at most 63 characters; a subdomain is
 * dot-separated label shapes, at most 253 characters in all. */
const isDnsLabel = (s: string) => s.length <= 63 && isLabelShape(s);
const isDnsSubdomain = (s: string) => s.length <= 253 && s.split(".").every(isLabelShape);

describe("optionChecks", () => {
  it("dnsLabel and dnsSubdomain agree with Kubernetes' rules on random strings", () => {
    const next = random(1123);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const s = randomString(next);
      expect(checks.dnsLabel()(s) === undefined, JSON.stringify(s)).toBe(isDnsLabel(s));
      expect(checks.dnsSubdomain(s) === undefined, JSON.stringify(s)).toBe(isDnsSubdomain(s));
      if (isDnsLabel(s)) accepted++;
    }
    // The generator reaches both answers.
    expect(accepted).toBeGreaterThan(100);
  });

  it("says why a value is refused, with the adapter's own words where it gives them", () => {
    expect(checks.dnsLabel(": Kubernetes names the volume with it")("Data")).toMatch(
      /^is not a DNS-1123 label .*: Kubernetes names the volume with it$/,
    );
    expect(checks.qualifiedKey("label key")("team/x")).toBeUndefined();
    expect(checks.qualifiedKey("label key")("-bad")).toMatch(/^is not a label key/);
    expect(checks.qualifiedKey("valid key")("Bad_Prefix/x")).toMatch(/prefix "Bad_Prefix"/);
    expect(checks.quantity("500m")).toBeUndefined();
    expect(checks.quantity("5 GB")).toBe(checks.QUANTITY_HINT);
    expect(checks.labelValue("")).toBeUndefined();
    expect(checks.labelValue("a b")).toMatch(/^is not a label value/);
    expect(checks.secretKey("tls.crt")).toBeUndefined();
    expect(checks.secretKey("a/b")).toMatch(/^is not a secret key/);
    expect(checks.s3Uri("s3://bucket/cache")).toBeUndefined();
    expect(checks.s3Uri("/local/cache")).toMatch(/^is not an s3:\/\/ URI/);
    expect(checks.httpUrl("https://minio:9000")).toBeUndefined();
    expect(checks.httpUrl("minio:9000")).toBe("is not an http:// or https:// URL");
  });
});
