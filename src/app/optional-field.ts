/** `{ [key]: value }` when the value is defined, `{}` otherwise: for spreading optional fields. */
export function optionalField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
