// GS1 numbers (EAN-13, UPC-A): their check digit and the one check of a value, which the catalog applies to a
// product's barcodes and documents to a code before drawing it.

/** GS1 mod-10: weights 3,1,3,1... from the rightmost data digit. */
export function gs1CheckDigit(data: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const digit = data.charCodeAt(data.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export type Gs1Kind = "ean13" | "upca";
const GS1: Record<Gs1Kind, { digits: number; name: string }> = {
  ean13: { digits: 13, name: "EAN-13" },
  upca: { digits: 12, name: "UPC-A" },
};

/** Why `value` is not a valid `kind`, as a phrase after the value ("is not 13 digits (EAN-13)"), or null. */
export function gs1Error(value: string, kind: Gs1Kind): string | null {
  const { digits, name } = GS1[kind];
  if (!new RegExp(`^\\d{${digits}}$`).test(value)) return `is not ${digits} digits (${name})`;
  const expected = gs1CheckDigit(value.slice(0, -1));
  return Number(value.at(-1)) === expected
    ? null
    : `has check digit ${value.at(-1)}, but ${name} ${value.slice(0, -1)} needs ${expected}`;
}
