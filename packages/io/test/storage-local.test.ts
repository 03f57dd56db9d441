import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBytes, openStorage, StorageError } from "../src/index.ts";
import { caught, tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.remove());

const bytes = (s: string) => new TextEncoder().encode(s);

describe("local storage", () => {
  it("writes, reads, checks, hashes, lists and removes project-relative paths", async () => {
    const s = openStorage("data/x", { root: project.root });
    await s.write("data/out/b.txt", bytes("b"));
    await s.write("data/out/a.txt", bytes("a"));
    await s.write("data/out/sub/c.txt", bytes("c"));
    await s.write("data/outer.txt", bytes("o"));
    expect(new TextDecoder().decode(await s.read("data/out/a.txt"))).toBe("a");
    expect(await s.exists("data/out/a.txt")).toBe(true);
    expect(await s.exists("data/out")).toBe(false);
    expect(await s.exists("data/out/a.txt/deeper")).toBe(false);
    expect(await s.hash("data/out/a.txt")).toBe(await hashBytes(bytes("a")));
    expect(await s.hash("data/none.txt")).toBeUndefined();
    expect(await s.list("data/out/")).toEqual([
      "data/out/a.txt",
      "data/out/b.txt",
      "data/out/sub/c.txt",
    ]);
    expect(await s.list("data/out")).toEqual([
      "data/out/a.txt",
      "data/out/b.txt",
      "data/out/sub/c.txt",
      "data/outer.txt",
    ]);
    expect(await s.list("data/out/a")).toEqual(["data/out/a.txt"]);
    expect(await s.list("nowhere/")).toEqual([]);
    await s.remove("data/out/a.txt");
    await s.remove("data/out/a.txt");
    expect(await s.exists("data/out/a.txt")).toBe(false);
  });

  it("answers file:// prefixes with file:// URIs", async () => {
    const s = openStorage("file:///", { root: project.root });
    const uri = pathToFileURL(join(project.root, "d", "x.bin")).href;
    await s.write(uri, bytes("x"));
    expect(await s.list(`${pathToFileURL(join(project.root, "d")).href}/`)).toEqual([uri]);
  });

  it("replaces a file atomically and leaves no temp files; list() skips temp files of crashed writers", async () => {
    const s = openStorage("x", { root: project.root });
    await s.write("d/f.txt", bytes("old"));
    await s.write("d/f.txt", bytes("new"));
    expect(await readFile(join(project.root, "d/f.txt"), "utf8")).toBe("new");
    expect(await readdir(join(project.root, "d"))).toEqual(["f.txt"]);
    await writeFile(join(project.root, "d/.pw-tmp-f.txt.123.abc"), "partial");
    expect(await s.list("d/")).toEqual(["d/f.txt"]);
  });

  it("concurrent writers of one file never leave a torn file", async () => {
    const s = openStorage("x", { root: project.root });
    const big = (c: string) => bytes(c.repeat(1 << 20));
    await Promise.all(["a", "b", "c", "d"].map((c) => s.write("race.txt", big(c))));
    const text = await readFile(join(project.root, "race.txt"), "utf8");
    expect(text.length).toBe(1 << 20);
    expect(new Set(text).size).toBe(1);
  });

  it("a missing file is SOURCE_NOT_FOUND; a directory or unreadable file is STORAGE_ERROR", async () => {
    const s = openStorage("x", { root: project.root });
    const e = await caught(() => s.read("nope.txt"));
    expect(e).toBeInstanceOf(StorageError);
    expect(e.code).toBe("SOURCE_NOT_FOUND");
    await mkdir(join(project.root, "dir"));
    const f = await caught(() => s.read("dir"));
    expect(f.code).toBe("STORAGE_ERROR");
    expect(f.message).toContain("The path is a directory");
    if (process.getuid?.() !== 0) {
      await writeFile(join(project.root, "locked.txt"), "x");
      await chmod(join(project.root, "locked.txt"), 0);
      expect((await caught(() => s.read("locked.txt"))).message).toContain("permissions");
    }
  });

  it("refuses relative paths that leave the root", async () => {
    const s = openStorage("x", { root: project.root });
    for (const p of ["../x.txt", "a/../../x.txt"]) {
      expect((await caught(() => s.write(p, bytes("x")))).code).toBe("PATH_TRAVERSAL");
      expect((await caught(() => s.read(p))).code).toBe("PATH_TRAVERSAL");
      expect((await caught(() => s.list(p))).code).toBe("PATH_TRAVERSAL");
    }
  });

  it("bad URIs are BAD_URI", async () => {
    expect(() => openStorage("gs://bucket/x", { root: project.root })).toThrow(
      expect.objectContaining({ code: "BAD_URI" }),
    );
    expect(() => openStorage("", { root: project.root })).toThrow(
      expect.objectContaining({ code: "BAD_URI" }),
    );
  });
});
