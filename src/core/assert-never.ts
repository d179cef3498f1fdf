/** Marks a `switch` over a tagged union as exhaustive: adding a kind without handling it fails to compile. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
