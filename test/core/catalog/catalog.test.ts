import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import { defineAction } from '../../../src/core/catalog/action.js';
import { ActionCatalog } from '../../../src/core/catalog/catalog.js';

const read = defineAction({
  id: 'demo.thing.get',
  title: 'Read a thing',
  description: 'Reads.',
  effect: 'read',
  idempotent: true,
  input: z.strictObject({ name: z.string() }),
  output: z.object({ name: z.string(), on: z.boolean() }),
  inverse: undefined,
});

describe('ActionCatalog', () => {
  it('holds a consistent default catalog: every inverse, snapshot and template checks out', () => {
    expect(defaultCatalog().problems()).toEqual([]);
  });

  it('labels every sandbox action as simulated, and no other', () => {
    for (const action of defaultCatalog().list()) {
      expect(action.simulated, action.id).toBe(action.connector === 'sandbox');
      if (action.simulated) expect(action.title).toMatch(/^\[SIMULATED\]/);
    }
  });

  it('reports an inverse that reads a field the snapshot does not return, and unknown parameters', () => {
    const write = defineAction({
      id: 'demo.thing.set',
      title: 'Set a thing',
      description: 'Writes.',
      effect: 'write',
      idempotent: true,
      input: z.strictObject({ name: z.string(), on: z.boolean() }),
      output: z.object({}),
      sensitive: { nme: 'identifier' },
      inverse: {
        action: 'demo.thing.set',
        snapshot: { action: 'demo.thing.get', with: { name: '${{ params.name }}' } },
        with: { name: '${{ params.name }}', on: '${{ snapshot.enabled }}', extra: 1 },
      },
    });
    const problems = new ActionCatalog().register(read, write).problems();
    expect(problems).toEqual([
      'demo.thing.set: `nme` is not an input parameter',
      'demo.thing.set: inverse passes `extra`, which demo.thing.set does not take',
      'demo.thing.set: inverse reads snapshot.enabled, which demo.thing.get does not return',
    ]);
  });

  it('reports an inverse condition that does not compile', () => {
    const write = defineAction({
      id: 'demo.thing.set',
      title: 'Set a thing',
      description: 'Writes.',
      effect: 'write',
      idempotent: true,
      input: z.strictObject({ name: z.string(), on: z.boolean() }),
      output: z.object({}),
      inverse: {
        action: 'demo.thing.set',
        snapshot: { action: 'demo.thing.get', with: { name: '${{ params.name }}' } },
        with: { name: '${{ params.name }}', on: '${{ snapshot.on }}' },
        when: 'snapshot.on !=',
      },
    });
    expect(new ActionCatalog().register(read, write).problems()).toEqual([
      expect.stringMatching(/^demo\.thing\.set: inverse condition does not compile/),
    ]);
  });

  it('requires a write to say how it is undone, and refuses duplicates', () => {
    const write = defineAction({ ...read, id: 'demo.thing.poke', effect: 'write', inverse: undefined });
    expect(new ActionCatalog().register(write).problems()).toEqual([
      'demo.thing.poke: a write action must declare an inverse or why it has none',
    ]);
    expect(() => new ActionCatalog().register(read, read)).toThrow('registered twice');
  });

  it('suggests the closest id for a typo', () => {
    expect(defaultCatalog().suggest('sandbox.bucket.set-acess')).toBe('sandbox.bucket.set-access');
  });
});
