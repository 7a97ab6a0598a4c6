import { describe, expect, it } from "vitest";
import { checkTypedData, isHash, typedDataMessage } from "../src/typedData";
import { S } from "../src/strings";

const MAIL = {
  types: {
    EIP712Domain: [
      { name: "name", type: "string" },
      { name: "chainId", type: "uint256" },
    ],
    Person: [
      { name: "name", type: "string" },
      { name: "wallet", type: "address" },
    ],
    Mail: [
      { name: "from", type: "Person" },
      { name: "to", type: "Person" },
      { name: "contents", type: "string" },
    ],
  },
  primaryType: "Mail",
  domain: { name: "Ether Mail", chainId: 11155111 },
  message: {
    from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
    to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
    contents: "Hello, Bob!",
  },
};

describe("checkTypedData", () => {
  it("accepts EIP-712 typed data and names its primary type", () => {
    const check = checkTypedData(JSON.stringify(MAIL, null, 2));
    expect(check).toMatchObject({ ok: true, primaryType: "Mail" });
    expect(typedDataMessage(check)).toBe(S.sign.typedData.ok("Mail"));
  });

  it("accepts typed data without a primaryType (the core does not need one)", () => {
    const { primaryType: _, ...rest } = MAIL;
    expect(checkTypedData(JSON.stringify(rest))).toMatchObject({ ok: true });
  });

  it("asks for something when the field is empty", () => {
    expect(checkTypedData("  \n")).toEqual({ ok: false, problem: "empty" });
  });

  it("says where the JSON breaks", () => {
    const check = checkTypedData('{\n  "types": {,\n}');
    expect(check).toMatchObject({ ok: false, problem: "notJson" });
    expect(typedDataMessage(check)).toMatch(/line 2/);
  });

  it.each([
    ["[1, 2]", "notObject"],
    ['"text"', "notObject"],
    ["null", "notObject"],
    ['{"domain": {}, "message": {}}', "missingTypes"],
    ['{"types": {}, "message": {}}', "missingDomain"],
    ['{"types": {}, "domain": {}}', "missingMessage"],
    ['{"types": [], "domain": {}, "message": {}}', "missingTypes"],
    ['{"types": {}, "domain": "x", "message": {}}', "missingDomain"],
  ])("refuses %s as %s", (text, problem) => {
    const check = checkTypedData(text);
    expect(check).toMatchObject({ ok: false, problem });
    expect(typedDataMessage(check).length).toBeGreaterThan(0);
  });

  it("refuses malformed type lists, naming the type", () => {
    const bad = { ...MAIL, types: { ...MAIL.types, Person: [{ name: "name" }] } };
    const check = checkTypedData(JSON.stringify(bad));
    expect(check).toMatchObject({ ok: false, problem: "badTypes", type: "Person" });
    expect(typedDataMessage(check)).toContain("Person");
  });

  it("refuses a primaryType that types does not define", () => {
    const check = checkTypedData(JSON.stringify({ ...MAIL, primaryType: "Letter" }));
    expect(check).toMatchObject({ ok: false, problem: "unknownPrimaryType", type: "Letter" });
  });
});

describe("isHash", () => {
  it("accepts 32 bytes of hex, with or without 0x", () => {
    expect(isHash(`0x${"ab".repeat(32)}`)).toBe(true);
    expect(isHash(`${"AB".repeat(32)}`)).toBe(true);
    expect(isHash(` 0x${"00".repeat(32)} `)).toBe(true);
  });

  it("refuses anything else", () => {
    expect(isHash(`0x${"ab".repeat(31)}`)).toBe(false);
    expect(isHash(`0x${"zz".repeat(32)}`)).toBe(false);
    expect(isHash("")).toBe(false);
  });
});
