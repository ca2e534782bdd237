import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type ApiFamily } from './api-error';
import type { OperationName } from './options';

/** A tiny router and the response helpers every route module uses. */

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The whole body, read before the route runs when the route sets `bufferBody`. */
  readonly body?: string;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly handler: RouteHandler;
  /** The AWS operation this route serves (counted and faulted); absent for pages and admin. */
  readonly operation?: OperationName | ((url: URL, body: string | undefined) => OperationName | undefined);
  /** Read the body before deciding the operation (query-protocol APIs name it in the body). */
  readonly bufferBody?: boolean;
  /** Decides the shape of injected errors. */
  readonly family?: ApiFamily;
}

/** Finds the route for a method and path; `allowed` lists methods when only the method is wrong. */
export const matchRoute = (
  routes: readonly Route[],
  method: string,
  path: string,
): { readonly route?: Route; readonly allowed: readonly string[] } => {
  const onPath = routes.filter((r) => r.path === path);
  return { route: onPath.find((r) => r.method === method), allowed: onPath.map((r) => r.method) };
};

const maxBodyBytes = 1024 * 1024;

/** Reads the whole request body (at most 1 MiB). */
export const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new ApiError(413, 'RequestEntityTooLargeException', { message: 'Request body too large' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Parses a JSON object body. `invalid` builds the error a malformed body gets, so each API
 * family answers in its own shape.
 */
export const readJsonObject = async (req: IncomingMessage, invalid: (why: string) => ApiError): Promise<Record<string, unknown>> => {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('The request body must be a JSON object');
  return parsed as Record<string, unknown>;
};

/** Parses an HTML form post (application/x-www-form-urlencoded). */
export const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => new URLSearchParams(await readBody(req));

const baseHeaders = (res: ServerResponse): void => {
  res.setHeader('x-amzn-requestid', randomUUID());
  res.setHeader('cache-control', 'no-store');
};

export const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  baseHeaders(res);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export const sendApiError = (res: ServerResponse, error: ApiError): void => {
  if (error.format === 'query-xml') {
    sendQueryXmlError(res, error);
    return;
  }
  res.setHeader('x-amzn-errortype', error.errorType);
  sendJson(res, error.status, error.body);
};

export const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A query-protocol XML answer (STS), with the request id in both the header and the body. */
export const sendXml = (res: ServerResponse, status: number, render: (requestId: string) => string): void => {
  const requestId = randomUUID();
  const text = render(requestId);
  res.setHeader('cache-control', 'no-store');
  res.writeHead(status, { 'x-amzn-requestid': requestId, 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, as STS shapes errors. */
const sendQueryXmlError = (res: ServerResponse, error: ApiError): void => {
  const { Type = 'Sender', Message = '' } = error.body as { Type?: string; Message?: string };
  sendXml(res, error.status, (requestId) =>
    [
      `<ErrorResponse xmlns="${String(error.body.Namespace)}">`,
      '  <Error>',
      `    <Type>${xmlEscape(Type)}</Type>`,
      `    <Code>${xmlEscape(error.errorType)}</Code>`,
      `    <Message>${xmlEscape(Message)}</Message>`,
      '  </Error>',
      `  <RequestId>${requestId}</RequestId>`,
      '</ErrorResponse>',
      '',
    ].join('\n'),
  );
};

export const sendHtml = (res: ServerResponse, status: number, html: string): void => {
  baseHeaders(res);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // The pages are plain forms: no scripts, no framing.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:* http://[::1]:*; frame-ancestors 'none'",
  });
  res.end(html);
};

/** 200 with no body (Logout). */
export const sendEmpty = (res: ServerResponse): void => {
  baseHeaders(res);
  res.writeHead(200, { 'content-length': 0 });
  res.end();
};

export const sendText = (res: ServerResponse, status: number, text: string): void => {
  baseHeaders(res);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export const redirect = (res: ServerResponse, location: string): void => {
  baseHeaders(res);
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
};

/** Whether a URL points at this machine (the only redirect targets a local emulator accepts). */
export const isLoopbackUrl = (value: string): boolean => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
};
