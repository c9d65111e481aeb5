import { Lunar } from 'lunar-typescript';

/** The lunar festivals HCRM greets; Double Ninth (重阳节) is the festival of the elderly, so only patients aged 60+. */
export const LUNAR_FESTIVALS = [
  { name: 'spring-festival', lunarMonth: 1, lunarDay: 1, minAge: undefined },
  { name: 'lantern', lunarMonth: 1, lunarDay: 15, minAge: undefined },
  { name: 'dragon-boat', lunarMonth: 5, lunarDay: 5, minAge: undefined },
  { name: 'mid-autumn', lunarMonth: 8, lunarDay: 15, minAge: undefined },
  { name: 'double-ninth', lunarMonth: 9, lunarDay: 9, minAge: 60 },
] as const;

export const FESTIVAL_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  'spring-festival': { 'zh-CN': '春节', en: 'Spring Festival' },
  lantern: { 'zh-CN': '元宵节', en: 'Lantern Festival' },
  'dragon-boat': { 'zh-CN': '端午节', en: 'Dragon Boat Festival' },
  'mid-autumn': { 'zh-CN': '中秋节', en: 'Mid-Autumn Festival' },
  'double-ninth': { 'zh-CN': '重阳节', en: 'Double Ninth Festival' },
};

export interface Festival {
  name: string;
  date: string;
  minAge: number | undefined;
}

/**
 * Festivals falling on a local date. Lunar dates come from lunar-typescript (a real lunisolar calendar, 1900–2100):
 * every festival here falls in the solar year that its lunar year starts in, so the date's own year is the one to ask.
 */
export function festivalsOn(date: string, solarFestivals: { name: string; monthDay: string }[]): Festival[] {
  const year = Number(date.slice(0, 4));
  const lunar = LUNAR_FESTIVALS.map((f) => ({ name: f.name, date: Lunar.fromYmd(year, f.lunarMonth, f.lunarDay).getSolar().toYmd(), minAge: f.minAge as number | undefined }));
  const solar = solarFestivals.map((f) => ({ name: f.name, date: `${year}-${f.monthDay}`, minAge: undefined }));
  return [...lunar, ...solar].filter((f) => f.date === date);
}

export function festivalDisplayName(name: string, language: 'zh-CN' | 'en'): string {
  return FESTIVAL_NAMES[name]?.[language] ?? name;
}
