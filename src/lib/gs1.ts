// The GS1 check digit of EAN-13 and UPC-A: the catalog checks barcodes with it, documents before drawing one.

/** GS1 mod-10: weights 3,1,3,1... from the rightmost data digit. */
export function gs1CheckDigit(data: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const digit = data.charCodeAt(data.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}
