/** ICD-10 chapters by their code ranges (WHO 2019), compared on the first three characters of a code. */
export const ICD10_CHAPTERS: readonly { chapter: string; from: string; to: string; en: string; zh: string }[] = [
  { chapter: 'I', from: 'A00', to: 'B99', en: 'Infectious and parasitic diseases', zh: '传染病和寄生虫病' },
  { chapter: 'II', from: 'C00', to: 'D48', en: 'Neoplasms', zh: '肿瘤' },
  { chapter: 'III', from: 'D50', to: 'D89', en: 'Blood and immune disorders', zh: '血液及免疫疾病' },
  { chapter: 'IV', from: 'E00', to: 'E90', en: 'Endocrine, nutritional and metabolic', zh: '内分泌、营养和代谢疾病' },
  { chapter: 'V', from: 'F00', to: 'F99', en: 'Mental and behavioural disorders', zh: '精神和行为障碍' },
  { chapter: 'VI', from: 'G00', to: 'G99', en: 'Nervous system', zh: '神经系统疾病' },
  { chapter: 'VII', from: 'H00', to: 'H59', en: 'Eye and adnexa', zh: '眼和附器疾病' },
  { chapter: 'VIII', from: 'H60', to: 'H95', en: 'Ear and mastoid process', zh: '耳和乳突疾病' },
  { chapter: 'IX', from: 'I00', to: 'I99', en: 'Circulatory system', zh: '循环系统疾病' },
  { chapter: 'X', from: 'J00', to: 'J99', en: 'Respiratory system', zh: '呼吸系统疾病' },
  { chapter: 'XI', from: 'K00', to: 'K93', en: 'Digestive system', zh: '消化系统疾病' },
  { chapter: 'XII', from: 'L00', to: 'L99', en: 'Skin and subcutaneous tissue', zh: '皮肤和皮下组织疾病' },
  { chapter: 'XIII', from: 'M00', to: 'M99', en: 'Musculoskeletal system', zh: '肌肉骨骼系统疾病' },
  { chapter: 'XIV', from: 'N00', to: 'N99', en: 'Genitourinary system', zh: '泌尿生殖系统疾病' },
  { chapter: 'XV', from: 'O00', to: 'O99', en: 'Pregnancy and childbirth', zh: '妊娠、分娩和产褥期' },
  { chapter: 'XVI', from: 'P00', to: 'P96', en: 'Perinatal conditions', zh: '围生期疾病' },
  { chapter: 'XVII', from: 'Q00', to: 'Q99', en: 'Congenital malformations', zh: '先天性畸形' },
  { chapter: 'XVIII', from: 'R00', to: 'R99', en: 'Symptoms and signs', zh: '症状和体征' },
  { chapter: 'XIX', from: 'S00', to: 'T98', en: 'Injury and poisoning', zh: '损伤和中毒' },
  { chapter: 'XX', from: 'V01', to: 'Y98', en: 'External causes', zh: '外因' },
  { chapter: 'XXI', from: 'Z00', to: 'Z99', en: 'Contact with health services', zh: '影响健康状态的因素' },
  { chapter: 'XXII', from: 'U00', to: 'U99', en: 'Special purposes', zh: '特殊目的编码' },
];

/** The chapter of an ICD-10 code (I10 → IX), or null for a code outside every range. */
export function icd10Chapter(code: string): (typeof ICD10_CHAPTERS)[number] | null {
  const head = code.trim().toUpperCase().slice(0, 3);
  return ICD10_CHAPTERS.find((c) => head >= c.from && head <= c.to) ?? null;
}
