// The directory of the directory-load row of `npm run bench` (16,000
// people): the demo's people, then more of the same shapes (internal staff of
// the demo's departments, external contacts of 900 accounts). Plain
// ECMAScript: bench/data.mjs writes it to a file for Node, DuckDB and plain
// JavaScript, and bench/browser.mjs makes it in the page when it generates
// its own data.

/** People in the directory of the directory-load row. */
export const DIRECTORY = 16_000;

/** `people` (the demo's directory, parsed) grown to `n` people of the same shapes, as JSON text. */
export function directory(people, n = DIRECTORY) {
  const departments = [...new Set(people.map((p) => p.department).filter(Boolean))].sort();
  const out = people.slice(0, n);
  for (let i = 0; out.length < n; i++) {
    out.push(
      i % 4 === 0
        ? { id: `staff${i}@northwind.example`, name: `Staff ${i}`, internal: true, department: departments[i % departments.length] }
        : { id: `contact${i}@account-${i % 900}.example`, name: `Contact ${i}`, internal: false, accountId: `account-${i % 900}` },
    );
  }
  return JSON.stringify(out);
}
