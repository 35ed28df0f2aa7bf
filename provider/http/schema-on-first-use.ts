/**
 * A schema made when it is first used, not when its module loads. zod builds each schema as objects
 * with a function for each of its methods: the forms of our pages and the control plane's bodies made
 * at every start took about a tenth of it, with the garbage collections they caused (README,
 * Benchmarks), though a start reads none of them.
 */
export function schemaOnFirstUse<Schema>(make: () => Schema): () => Schema {
  let made: Schema | undefined;
  return () => (made ??= make());
}
