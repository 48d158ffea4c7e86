import type { Response } from 'express';
import type { AuditChange, AuditLog } from '../audit/auditLog.js';
import { operatorOf } from './authentication.js';

/** Records a change the signed-in operator made; call it after the change succeeded. */
export async function auditChange(res: Response, audit: AuditLog, change: AuditChange): Promise<void> {
  const operator = operatorOf(res);
  await audit.record({ name: operator.name, role: operator.role }, change);
}
