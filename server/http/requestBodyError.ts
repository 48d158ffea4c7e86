import { STATUS_CODES } from 'node:http';

/** Why a request body could not be read, in the contract's terms. */
export interface RequestBodyError {
  status: number;
  code: string;
  message: string;
}

/** The `type`s body-parser and raw-body give their errors, each with its documented answer. */
const byType: Record<string, RequestBodyError> = {
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'BODY_TOO_LARGE', message: 'the request body is too large' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_ENCODING', message: 'unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_CHARSET', message: 'unsupported charset' },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', message: 'the request was aborted' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: 'the request size does not match its content-length' },
};

const undecodable: RequestBodyError = {
  status: 400,
  code: 'MALFORMED_BODY',
  message: 'the request body could not be read (does it match its Content-Encoding and Content-Length?)',
};
const aborted = byType['request.aborted']!;

/** What the socket or zlib raise while a body is read: the client's bytes or connection, not the server. */
const streamErrorCodes = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * A failure to read the request body, classified; `undefined` for anything else. Body-parser's
 * errors carry a `type`, but not all: a body that does not decompress as its `Content-Encoding`
 * says is zlib's error wrapped with status 400 and no `type`. Every such error is the client's
 * doing, so every one gets a 4xx, never a 500.
 */
export function requestBodyError(error: unknown): RequestBodyError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, statusCode, code, expose } = error as { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown };
  if (typeof type === 'string' && Object.hasOwn(byType, type)) return byType[type];
  if (typeof code === 'string' && code.startsWith('Z_')) return undecodable;
  if (typeof code === 'string' && streamErrorCodes.has(code)) return aborted;
  // http-errors from the parsers: `expose` marks a client error whose status is meant for the client.
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (expose === true && httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) {
    if (httpStatus === 400) return undecodable;
    if (httpStatus === 413) return byType['entity.too.large'];
    if (httpStatus === 415) return byType['encoding.unsupported'];
    const reason = STATUS_CODES[httpStatus] ?? 'Bad Request';
    return { status: httpStatus, code: reason.toUpperCase().replace(/[^A-Z]+/g, '_'), message: reason.toLowerCase() };
  }
  return undefined;
}
