import { NULLABLE_PROTOCOLS, protocolOf, type NullableProtocol } from '../../core/protocols.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { AppliedChange, ChangeContext, TransportConfig, TransportConfigWrite } from '../directory-store.js';
import { insertChangeRecord } from './changes.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';

/** The organisation defaults, from the one row of the transport config table. */
export async function transportConfig(session: SqlSession, layout: SqlLayout): Promise<TransportConfig> {
  const { table, defaults } = layout.schema.transportConfig;
  const [row] = await session.query(`SELECT * FROM ${layout.q(table)} WHERE id = 1`);
  return Object.fromEntries(NULLABLE_PROTOCOLS.map((p) => [p.property, Number(row?.[defaults[p.name]] ?? 0) === 1])) as TransportConfig;
}

/**
 * Sets an organisation default, records it, and turns the effective flags of every mailbox that
 * follows it, in the caller's write transaction: one UPDATE over the mailboxes whose flags differ.
 */
export async function setTransportConfig(session: SqlSession, layout: SqlLayout, write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
  const { dialect, schema } = layout;
  const protocol = protocolOf(write.property);
  const name = protocol.name as NullableProtocol['name'];
  const before = (await transportConfig(session, layout))[write.property];
  if (before === write.to || (write.from !== undefined && before !== write.from)) return { changeId: null, mailboxes: 0, settings: 0 };
  const changeId = await insertChangeRecord(session, layout, context);
  const ph = (n: number, type: 'int' | 'text'): string => dialect.placeholder(n, type);
  await session.execute(
    `INSERT INTO transport_config_changes (change_id, property, before_value, after_value) VALUES (${ph(1, 'int')}, ${ph(2, 'text')}, ${ph(3, 'int')}, ${ph(4, 'int')})`,
    [changeId, write.property, Number(before), Number(write.to)],
  );
  await session.execute(`UPDATE ${layout.q(schema.transportConfig.table)} SET ${layout.q(schema.transportConfig.defaults[name])} = ${ph(1, 'int')} WHERE id = 1`, [Number(write.to)]);
  const admitted = layout.admitsValue(protocol, 'NULL');
  const enabled = schema.mailboxes.enabled[protocol.name];
  progress?.phase('Applying', 'mailboxes');
  const mailboxes = await session.execute(
    `UPDATE ${layout.mailboxes} SET ${enabled.map((c) => `${layout.q(c)} = ${admitted}`).join(', ')}
     WHERE ${layout.q(schema.mailboxes.setting[name])} IS NULL AND (${enabled.map((c) => `${layout.q(c)} <> ${admitted}`).join(' OR ')})`,
  );
  progress?.tick(mailboxes);
  return { changeId, mailboxes, settings: 1 };
}
