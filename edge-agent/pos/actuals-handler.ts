import { decodeMessage } from '../../protocols/messages/decode.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { salesDateProblem, type SalesDateBounds } from '../../protocols/data/sales-date.js';
import type { Sender } from '../../protocols/envelope.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ActualsStore } from '../storage/actuals-store.js';
import type { ServedPrediction, ServedPredictions } from '../storage/served-predictions.js';
import type { AccuracyCounters } from '../accuracy/accuracy-counters.js';
import { errorReply, salvageFields } from './error-reply.js';
import { resolveReplyTopic } from './reply-topic.js';

/** Everything the actuals path touches. */
export interface ActualsHandlerDeps {
  sender: Sender;
  actuals: ActualsStore;
  served: ServedPredictions;
  accuracy: AccuracyCounters;
  logger: Logger;
  maxPayloadBytes: number;
  /** Sales dates this agent accepts (config `salesDates`, within the protocol's bounds). */
  salesDates: SalesDateBounds;
  reply(topic: string, message: unknown): void;
  /** Shadow experiments' loss differentials (issue #13): gets each row's matched forecasts. */
  experiments?: { add(matched: readonly ServedPrediction[], actualUnits: number): boolean };
}

/**
 * Takes `pos/v1/actuals` (issue #5 "Actuals"): stores the rows (history for lag features) and
 * matches each to the forecasts served for its (store, item, date) to grow the accuracy
 * counters. Rows are validated (bounded sales dates, issue #9) before anything is stored.
 * Invalid payloads get a coded `error` on the client's default reply topic, since actuals have
 * no reply of their own.
 */
export function handleActuals(deps: ActualsHandlerDeps, payload: Buffer, clientId: string): void {
  try {
    const message = decodeMessage('pos/actuals', payload, deps.maxPayloadBytes);
    // The schema holds the protocol's bounds; the config may narrow them. All rows pass or none is stored.
    message.rows.forEach((row, index) => {
      if (salesDateProblem(row.date, deps.salesDates) !== null) {
        throw new FleetcastError('FC_ERR_DATE_OUT_OF_RANGE', `${row.date} outside ${deps.salesDates.min}..${deps.salesDates.max}`, { path: ['rows', index, 'date'] });
      }
    });
    deps.actuals.record(message.rows);
    let matched = 0;
    for (const row of message.rows) {
      const predictions = deps.served.takeUnmatched(row.store, row.item, row.date);
      for (const prediction of predictions) {
        deps.accuracy.add(prediction, row.units);
        matched += 1;
      }
      deps.experiments?.add(predictions, row.units);
    }
    deps.logger.debug({ rows: message.rows.length, matched }, 'actuals stored');
  } catch (error) {
    const coded = toFleetcastError(error);
    deps.logger.debug({ code: coded.code, clientId }, 'actuals refused');
    deps.reply(resolveReplyTopic(clientId, undefined).topic, errorReply(deps.sender, coded, salvageFields(payload, deps.maxPayloadBytes).requestId));
  }
}
