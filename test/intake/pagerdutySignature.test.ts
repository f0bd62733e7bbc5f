import { signPagerDutyBody, verifyPagerDutySignature } from "../../src/intake/pagerduty/signature";
import { corpusBytes, PRIMARY_SECRET, signatures } from "./helpers";

const body = corpusBytes("pd-incident-triggered.json");
const good = signatures.files["pd-incident-triggered.json"].headers["X-PagerDuty-Signature"];
const wrong = signPagerDutyBody(body, signatures.secrets.wrong);

describe("verifyPagerDutySignature", () => {
  test("accepts the corpus signature", () => {
    expect(signPagerDutyBody(body, PRIMARY_SECRET)).toBe(good);
    expect(verifyPagerDutySignature(body, good, PRIMARY_SECRET)).toBe("valid");
  });

  test("accepts when only the second of two matches", () => {
    expect(verifyPagerDutySignature(body, `${wrong},${good}`, PRIMARY_SECRET)).toBe("valid");
  });

  test("accepts irregular spacing and skips other versions and malformed entries", () => {
    const header = `  v2=${"ab".repeat(32)} ,v1=zz, v1=${"0".repeat(40)},\t${good}  ,`;
    expect(verifyPagerDutySignature(body, header, PRIMARY_SECRET)).toBe("valid");
  });

  test("accepts upper-case hex", () => {
    expect(verifyPagerDutySignature(body, `v1=${good.slice(3).toUpperCase()}`, PRIMARY_SECRET)).toBe("valid");
  });

  test("reports a missing header", () => {
    expect(verifyPagerDutySignature(body, null, PRIMARY_SECRET)).toBe("missing");
    expect(verifyPagerDutySignature(body, "   ", PRIMARY_SECRET)).toBe("missing");
  });

  test("reports a truncated signature as malformed", () => {
    expect(verifyPagerDutySignature(body, good.slice(0, 43), PRIMARY_SECRET)).toBe("malformed");
  });

  test("reports entries without v1 as malformed", () => {
    expect(verifyPagerDutySignature(body, `v0=${good.slice(3)}, sha256=${good.slice(3)}`, PRIMARY_SECRET)).toBe("malformed");
  });

  test("reports a wrong secret as a mismatch", () => {
    expect(verifyPagerDutySignature(body, wrong, PRIMARY_SECRET)).toBe("mismatch");
    expect(verifyPagerDutySignature(body, good, signatures.secrets.retired_old)).toBe("mismatch");
  });

  test("signs bytes, not re-serialized JSON", () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(body.toString("utf8")), null, 2), "utf8");
    expect(verifyPagerDutySignature(pretty, good, PRIMARY_SECRET)).toBe("mismatch");
  });

  test("covers non-ASCII bodies as UTF-8", () => {
    const unicode = corpusBytes("pd-incident-triggered-unicode.json");
    const header = signatures.files["pd-incident-triggered-unicode.json"].headers["X-PagerDuty-Signature"];
    expect(verifyPagerDutySignature(unicode, header, PRIMARY_SECRET)).toBe("valid");
    expect(signPagerDutyBody(unicode.toString("utf8"), PRIMARY_SECRET)).toBe(header);
  });
});
