import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DeviceEnrolment } from './schema.js';

/** Keys a selector term may use. `device` names devices by id; `all` matches every device. */
export const selectorKeySchema = z.enum(['tag', 'store', 'region', 'device', 'profile', 'all']);

/** One parsed term: the device matches when its `key` equals any of `values`. */
export const selectorTermSchema = z.object({ key: selectorKeySchema, values: z.array(z.string().min(1)).min(1) });

/** A parsed selector: every term must match (AND); within a term values are alternatives (OR). */
export const targetSelectorSchema = z.array(selectorTermSchema).min(1);
export type TargetSelector = z.infer<typeof targetSelectorSchema>;

/**
 * Parses `tag:pilot,region:eu-west` or `store:s1|s2` or `all` (issue #6 "target selectors over
 * tags, stores and regions"). Commas join terms with AND so an operator narrows a rollout by
 * adding terms; `|` lists alternatives for one key.
 */
export function parseSelector(text: string): TargetSelector {
  const terms = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (terms.length === 0) throw new FleetcastError('FC_ERR_INVALID_SELECTOR', 'empty selector');
  return terms.map((term) => {
    if (term === 'all' || term === '*') return { key: 'all', values: ['*'] };
    const colon = term.indexOf(':');
    const key = selectorKeySchema.safeParse(colon > 0 ? term.slice(0, colon) : '');
    const values = term.slice(colon + 1).split('|').map((value) => value.trim()).filter((value) => value.length > 0);
    if (!key.success || key.data === 'all' || values.length === 0) throw new FleetcastError('FC_ERR_INVALID_SELECTOR', term, { term });
    return { key: key.data, values };
  });
}

/** Whether a device matches every term of the selector. */
export function matchesSelector(device: DeviceEnrolment, selector: TargetSelector): boolean {
  return selector.every((term) => {
    switch (term.key) {
      case 'all':
        return true;
      case 'tag':
        return term.values.some((value) => device.tags.includes(value));
      case 'store':
        return term.values.includes(device.store);
      case 'region':
        return term.values.includes(device.region);
      case 'device':
        return term.values.includes(device.id);
      case 'profile':
        return term.values.includes(device.profile);
    }
  });
}
