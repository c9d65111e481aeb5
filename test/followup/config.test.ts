import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('follow-up configuration', () => {
  it('has documented defaults: the questionnaires folder, 14-day links, low satisfaction at 2 of 5', () => {
    expect(loadConfig({})).toMatchObject({ questionnairesDir: './questionnaires', invitationDays: 14, lowSatisfactionScore: 2 });
    expect(loadConfig({ HCRM_QUESTIONNAIRES_DIR: '/etc/hcrm/q', HCRM_INVITATION_DAYS: '30', HCRM_LOW_SATISFACTION_SCORE: '3' })).toMatchObject({ questionnairesDir: '/etc/hcrm/q', invitationDays: 30, lowSatisfactionScore: 3 });
  });

  it.each([
    ['HCRM_INVITATION_DAYS', '0'],
    ['HCRM_INVITATION_DAYS', 'forever'],
    ['HCRM_LOW_SATISFACTION_SCORE', '11'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
