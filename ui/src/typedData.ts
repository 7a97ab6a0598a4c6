// Light checks of what the person pastes on the Sign screen, so they learn of a typo before the
// core refuses it (`SIGNATURE_REQUEST_INVALID`). The core stays the authority.

import { S } from "./strings";

export type TypedDataProblem =
  | { problem: "empty" }
  | { problem: "notJson"; detail: string }
  | { problem: "notObject" }
  | { problem: "missingTypes" }
  | { problem: "missingDomain" }
  | { problem: "missingMessage" }
  | { problem: "badTypes"; type: string }
  | { problem: "unknownPrimaryType"; type: string };

export type TypedDataCheck =
  | { ok: true; value: Record<string, unknown>; primaryType?: string }
  | ({ ok: false } & TypedDataProblem);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where JSON.parse stopped, as a line and column when the engine tells a position. */
function jsonErrorDetail(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    return S.sign.typedData.at(line, column);
  }
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return S.sign.typedData.at(Number(lineCol[1]), Number(lineCol[2]));
  return message;
}

/** Checks EIP-712 typed data: a JSON object with `types`, `domain` and `message` objects. */
export function checkTypedData(text: string): TypedDataCheck {
  if (!text.trim()) return { ok: false, problem: "empty" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: "notJson", detail: jsonErrorDetail(text, error) };
  }
  if (!isObject(value)) return { ok: false, problem: "notObject" };
  if (!isObject(value.types)) return { ok: false, problem: "missingTypes" };
  if (!isObject(value.domain)) return { ok: false, problem: "missingDomain" };
  if (!isObject(value.message)) return { ok: false, problem: "missingMessage" };
  for (const [name, fields] of Object.entries(value.types)) {
    const wellFormed =
      Array.isArray(fields) &&
      fields.every((f) => isObject(f) && typeof f.name === "string" && typeof f.type === "string");
    if (!wellFormed) return { ok: false, problem: "badTypes", type: name };
  }
  const primaryType = value.primaryType;
  if (primaryType !== undefined) {
    if (typeof primaryType !== "string") {
      return { ok: false, problem: "unknownPrimaryType", type: JSON.stringify(primaryType) };
    }
    if (!(primaryType in value.types)) return { ok: false, problem: "unknownPrimaryType", type: primaryType };
    return { ok: true, value, primaryType };
  }
  return { ok: true, value };
}

/** The sentence for a typed-data check. */
export function typedDataMessage(check: TypedDataCheck): string {
  const t = S.sign.typedData;
  if (check.ok) return check.primaryType ? t.ok(check.primaryType) : t.okNoPrimary;
  switch (check.problem) {
    case "empty":
      return t.empty;
    case "notJson":
      return t.notJson(check.detail);
    case "notObject":
      return t.notObject;
    case "missingTypes":
      return t.missingTypes;
    case "missingDomain":
      return t.missingDomain;
    case "missingMessage":
      return t.missingMessage;
    case "badTypes":
      return t.badTypes(check.type);
    case "unknownPrimaryType":
      return t.unknownPrimaryType(check.type);
  }
}

/** A 32-byte hash: 0x and 64 hex digits (the 0x may be left out). */
export function isHash(text: string): boolean {
  return /^(0x)?[0-9a-fA-F]{64}$/.test(text.trim());
}
