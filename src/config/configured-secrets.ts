import type { TollgateConfig } from './schema.ts';

/** Header and query-parameter names whose values are credentials (others, like `anthropic-version` or `api-version`, are not). */
const SECRET_NAME = /auth|key|token|secret|passw|signature|sig$|^sig|cookie|credential|session|code/i;

/** Process-level secrets that do not live in the config file. */
export interface ProcessSecrets {
  adminKey?: string | undefined;
  viewerKey?: string | undefined;
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
}

/**
 * Every secret the gateway holds: provider API keys, credential-like header values, passwords and
 * credential query values in provider base URLs, virtual key seeds, admin keys, the budget override
 * token, the alert webhook, and the passwords in the database and Redis URLs.
 */
export function configuredSecrets(config: TollgateConfig, process: ProcessSecrets = {}): string[] {
  const secrets: string[] = [];
  for (const provider of Object.values(config.providers)) {
    if (provider.apiKey) secrets.push(provider.apiKey);
    for (const [name, value] of Object.entries(provider.headers)) if (SECRET_NAME.test(name)) secrets.push(value, ...bearerToken(value));
    secrets.push(...urlSecrets(provider.baseUrl));
  }
  for (const key of config.keys) secrets.push(key.secret);
  for (const key of config.admin.keys) secrets.push(key.secret);
  if (config.enforcement.overrideToken) secrets.push(config.enforcement.overrideToken);
  for (const token of Object.values(config.enforcement.orgOverrideTokens ?? {})) secrets.push(token);
  for (const budget of config.budgets) if (budget.overrideToken) secrets.push(budget.overrideToken);
  if (config.alerts.webhookUrl) {
    secrets.push(config.alerts.webhookUrl, ...urlSecrets(config.alerts.webhookUrl));
    const path = safeUrl(config.alerts.webhookUrl)?.pathname;
    if (path && path.length > 1) secrets.push(path);
  }
  if (process.adminKey) secrets.push(process.adminKey);
  if (process.viewerKey) secrets.push(process.viewerKey);
  for (const url of [process.databaseUrl, process.redisUrl]) if (url) secrets.push(...urlSecrets(url));
  return [...new Set(secrets.filter((secret) => secret.length > 0))];
}

/** A URL fit to print: the password and credential-like query values replaced. */
export function redactUrl(url: string): string {
  const parsed = safeUrl(url);
  if (!parsed) return url;
  if (parsed.password) parsed.password = 'redacted';
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_NAME.test(name)) parsed.searchParams.set(name, 'redacted');
  return parsed.toString();
}

function urlSecrets(url: string): string[] {
  const parsed = safeUrl(url);
  if (!parsed) return [];
  const out: string[] = [];
  if (parsed.password) out.push(parsed.password, decodeSafe(parsed.password));
  for (const [name, value] of parsed.searchParams) if (SECRET_NAME.test(name) && value) out.push(value);
  return out;
}

function bearerToken(value: string): string[] {
  const match = /^(?:Bearer|Basic|Token)\s+(.+)$/i.exec(value.trim());
  return match?.[1] ? [match[1]] : [];
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
