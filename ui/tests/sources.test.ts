// Rules on the sources that no type checker enforces: every visible string comes from
// src/strings.ts, and nothing needs the CSP's 'unsafe-inline' (no style attributes or
// directives, no {@html}).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "..", "src");

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, ext);
    return entry.name.endsWith(ext) ? [path] : [];
  });
}

type Node = { type: string; [key: string]: unknown };

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const n = node as Node;
  if (typeof n.type === "string") visit(n);
  for (const [key, value] of Object.entries(n)) {
    if (key === "parent" || key === "metadata") continue;
    // An attribute's text is checked through the attribute itself (only some are read aloud).
    if (n.type === "Attribute" && key === "value") continue;
    walk(value, visit);
  }
}

// Attributes whose static text a person reads or hears.
const READ_ATTRIBUTES = ["aria-label", "alt", "title", "placeholder", "aria-description"];

const components = files(SRC, ".svelte");

describe("components", () => {
  it("exist", () => {
    expect(components.length).toBeGreaterThan(10);
  });

  it.each(components.map((path) => [path.slice(SRC.length + 1), path]))("%s takes every visible string from strings.ts", (_, path) => {
    const ast = parse(readFileSync(path, "utf8"), { modern: true });
    const literal: string[] = [];
    walk(ast.fragment, (node) => {
      if (node.type === "Text" && /\p{L}/u.test(String(node.data))) literal.push(String(node.data).trim());
      if (node.type === "Attribute" && READ_ATTRIBUTES.includes(String(node.name))) {
        const value = node.value;
        const parts = Array.isArray(value) ? value : [];
        for (const part of parts as Node[]) {
          if (part.type === "Text" && /\p{L}/u.test(String(part.data))) literal.push(`${String(node.name)}="${String(part.data)}"`);
        }
      }
    });
    expect(literal).toEqual([]);
  });

  it.each(components.map((path) => [path.slice(SRC.length + 1), path]))("%s needs no inline style or markup", (_, path) => {
    const ast = parse(readFileSync(path, "utf8"), { modern: true });
    const found: string[] = [];
    walk(ast.fragment, (node) => {
      if (node.type === "Attribute" && node.name === "style") found.push("style attribute");
      if (node.type === "StyleDirective") found.push(`style:${String(node.name)}`);
      if (node.type === "HtmlTag") found.push("{@html}");
    });
    expect(found).toEqual([]);
  });
});

describe("the bundle's entry", () => {
  it("loads only the fake shell in demo mode", () => {
    const main = readFileSync(join(SRC, "main.ts"), "utf8");
    expect(main).toMatch(/if \(import\.meta\.env\.MODE === "demo"\) \{\s*const \{ FakeShell \} = await import/);
    for (const path of files(SRC, ".ts").concat(components)) {
      if (path.includes("testing") || path.endsWith("main.ts")) continue;
      expect(readFileSync(path, "utf8"), path).not.toMatch(/testing\/fakeShell/);
    }
  });
});
