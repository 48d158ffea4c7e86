/**
 * Operator roles, from least to most: a viewer (the product owner) reads everything and changes
 * nothing; an editor also changes policies and SMS templates; an admin also changes schemes,
 * access keys, webhooks, phone lists, operators, and erases numbers.
 */
export const operatorRoles = ['viewer', 'editor', 'admin'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

export function roleAllows(role: OperatorRole, needed: OperatorRole): boolean {
  return operatorRoles.indexOf(role) >= operatorRoles.indexOf(needed);
}

/** POSTs that compute an answer and change nothing: a what-if replay, an impact measurement, a draft's static checks. */
const readOnlyPosts = /\/(impact|replay|check)$/;
const editorPaths = [/^\/v1\/admin\/policies(\/|$)/, /^\/v1\/admin\/schemes\/[^/]+\/policies(\/|$)/, /^\/v1\/admin\/sms(\/|$)/];

/** The least role an operator route needs, by method and path (Express or OpenAPI form): the one place this is decided. */
export function requiredRole(method: string, path: string): OperatorRole {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return 'viewer';
  if (verb === 'POST' && readOnlyPosts.test(path)) return 'viewer';
  if (editorPaths.some((pattern) => pattern.test(path))) return 'editor';
  return 'admin';
}
