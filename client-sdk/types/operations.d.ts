/**
 * The SDK function at a dotted path of `client`, bound to its object, or
 * undefined.
 * @param {object} client A PulseClient.
 * @param {string} dotted e.g. `deals.products.add`
 * @returns {((...args: any[]) => any)|undefined}
 */
export function sdkMethod(client: object, dotted: string): ((...args: any[]) => any) | undefined;
/**
 * `"METHOD /path/{param}"` -> `"resource.method"` (or a client method).
 * @type {Readonly<Record<string, string>>}
 */
export const OPERATIONS: Readonly<Record<string, string>>;
