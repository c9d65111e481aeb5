/**
 * The clinical vocabulary of the demo hospital: departments with the diagnoses (ICD-10, Chinese clinical
 * wording), examinations and operations (ICD-9-CM-3, as Chinese hospitals code procedures) each typically sees.
 * People and places live in catalog-people.ts; both are re-exported from here.
 */
export * from './catalog-people.js';

export type Sex = 'male' | 'female';

export interface DiagnosisDef {
  code: string;
  text: string;
  weight: number;
  sex?: Sex;
  minAge?: number;
  maxAge?: number;
}

export interface ProcedureDef {
  code: string | null;
  text: string;
  /** A treatment (acupuncture, nebulisation, suturing) is done, not reported on, so it never makes an exam visit. */
  treatment?: boolean;
}

/** An operation together with the diagnosis that leads to it, so a surgery's record hangs together. */
export interface SurgeryDef {
  diagnosis: string;
  procedure: ProcedureDef;
  stayDays: readonly [number, number];
}

export interface DepartmentDef {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Relative share of acute visits for adults and for children under 14. */
  adultWeight: number;
  childWeight: number;
  specialties: readonly string[];
  diagnoses: readonly DiagnosisDef[];
  /** Examinations and treatments the department typically orders. */
  procedures: readonly ProcedureDef[];
  surgeries: readonly SurgeryDef[];
  /** Diagnosis codes serious enough to admit for, when the department has a ward. */
  admits: readonly string[];
}

type Limits = Pick<DiagnosisDef, 'sex' | 'minAge' | 'maxAge'>;
const dx = (code: string, text: string, weight: number, limits: Limits = {}): DiagnosisDef => ({ code, text, weight, ...limits });
const proc = (code: string | null, text: string): ProcedureDef => ({ code, text });
const treat = (code: string | null, text: string): ProcedureDef => ({ code, text, treatment: true });
const op = (diagnosis: string, code: string, text: string, stayDays: readonly [number, number]): SurgeryDef => ({
  diagnosis,
  procedure: proc(code, text),
  stayDays,
});

const ADULT = { minAge: 18 } as const;
const CHILD = { maxAge: 13 } as const;

export const DEPARTMENTS: readonly DepartmentDef[] = [
  {
    code: 'CARD', nameZh: '心血管内科', nameEn: 'Cardiology', adultWeight: 12, childWeight: 0.2,
    specialties: ['高血压', '冠心病介入', '心律失常', '心力衰竭', '结构性心脏病'],
    diagnoses: [
      dx('I10', '原发性高血压', 10, { minAge: 25 }), dx('I25.1', '动脉粥样硬化性心脏病', 5, { minAge: 40 }),
      dx('I20.0', '不稳定型心绞痛', 2, { minAge: 40 }), dx('I48.9', '心房颤动', 2, { minAge: 45 }),
      dx('I50.9', '心力衰竭', 1, { minAge: 50 }), dx('E78.5', '高脂血症', 4, ADULT), dx('R00.2', '心悸', 3),
    ],
    procedures: [proc('89.52', '心电图检查'), proc('88.72', '超声心动图'), proc('89.50', '动态心电图监测'), proc('89.61', '动态血压监测')],
    surgeries: [op('I20.0', '36.07', '经皮冠状动脉药物洗脱支架置入术', [3, 7]), op('I25.1', '88.56', '冠状动脉造影术', [2, 4])],
    admits: ['I20.0', 'I50.9', 'I48.9'],
  },
  {
    code: 'ENDO', nameZh: '内分泌科', nameEn: 'Endocrinology', adultWeight: 8, childWeight: 0.5,
    specialties: ['糖尿病', '甲状腺疾病', '骨质疏松', '肥胖与代谢'],
    diagnoses: [
      dx('E11.9', '2型糖尿病不伴有并发症', 10, { minAge: 25 }), dx('E11.4', '2型糖尿病伴有神经并发症', 2, { minAge: 40 }),
      dx('E05.9', '甲状腺功能亢进症', 3), dx('E03.9', '甲状腺功能减退症', 3), dx('E04.1', '甲状腺结节', 4, ADULT),
      dx('E66.9', '肥胖症', 2), dx('M10.9', '痛风', 2, { minAge: 25 }), dx('M81.9', '骨质疏松', 2, { minAge: 50 }),
    ],
    procedures: [proc(null, '糖化血红蛋白测定'), proc(null, '甲状腺功能测定'), proc('88.71', '甲状腺超声检查'), proc(null, '口服葡萄糖耐量试验')],
    surgeries: [],
    admits: ['E11.4'],
  },
  {
    code: 'RESP', nameZh: '呼吸内科', nameEn: 'Respiratory Medicine', adultWeight: 10, childWeight: 1,
    specialties: ['慢性阻塞性肺病', '哮喘', '肺部感染', '肺结节'],
    diagnoses: [
      dx('J06.9', '急性上呼吸道感染', 10), dx('J20.9', '急性支气管炎', 6), dx('J18.9', '肺炎', 4),
      dx('J44.9', '慢性阻塞性肺病', 3, { minAge: 45 }), dx('J45.9', '哮喘', 3), dx('R91', '肺结节', 2, ADULT),
    ],
    procedures: [proc('87.44', '胸部X线检查'), proc('87.41', '胸部CT检查'), proc('89.37', '肺功能检查'), treat('93.94', '雾化吸入治疗')],
    surgeries: [op('R91', '33.24', '支气管镜检查伴活检', [2, 4])],
    admits: ['J18.9', 'J44.9'],
  },
  {
    code: 'GAST', nameZh: '消化内科', nameEn: 'Gastroenterology', adultWeight: 10, childWeight: 0.5,
    specialties: ['消化内镜', '胃肠病', '肝病', '炎症性肠病'],
    diagnoses: [
      dx('K29.7', '胃炎', 10), dx('K21.9', '胃食管反流病', 5, ADULT), dx('K25.9', '胃溃疡', 3, ADULT),
      dx('K58.9', '肠易激综合征', 3, ADULT), dx('K76.0', '脂肪肝', 4, ADULT), dx('K52.9', '急性胃肠炎', 5),
    ],
    procedures: [proc('44.13', '胃镜检查'), proc('45.23', '结肠镜检查'), proc('88.74', '腹部超声检查'), proc(null, '幽门螺杆菌呼气试验')],
    surgeries: [op('K25.9', '43.41', '内镜下胃病损切除术', [3, 6])],
    admits: ['K25.9'],
  },
  {
    code: 'NEUR', nameZh: '神经内科', nameEn: 'Neurology', adultWeight: 7, childWeight: 0.3,
    specialties: ['脑血管病', '头痛与眩晕', '癫痫', '帕金森病', '睡眠障碍'],
    diagnoses: [
      dx('I63.9', '脑梗死', 3, { minAge: 45 }), dx('G45.9', '短暂性脑缺血发作', 2, { minAge: 45 }), dx('G43.9', '偏头痛', 5),
      dx('R42', '头晕', 5), dx('G47.0', '失眠', 5, ADULT), dx('G40.9', '癫痫', 1), dx('G20', '帕金森病', 1, { minAge: 55 }),
    ],
    procedures: [proc('87.03', '头颅CT检查'), proc('88.91', '头颅磁共振检查'), proc('89.14', '脑电图检查'), proc('88.71', '颈动脉超声检查')],
    surgeries: [],
    admits: ['I63.9', 'G45.9'],
  },
  {
    code: 'GSUR', nameZh: '普外科', nameEn: 'General Surgery', adultWeight: 7, childWeight: 0.5,
    specialties: ['肝胆外科', '胃肠外科', '疝与腹壁外科', '甲状腺乳腺外科'],
    diagnoses: [
      dx('K35.8', '急性阑尾炎', 3), dx('K80.2', '胆囊结石', 4, ADULT), dx('K40.9', '腹股沟疝', 3),
      dx('L02.9', '皮肤脓肿', 2), dx('D17.9', '脂肪瘤', 2, ADULT), dx('K56.7', '肠梗阻', 1),
    ],
    procedures: [proc('88.74', '腹部超声检查'), proc('88.01', '腹部CT检查'), treat('86.04', '脓肿切开引流术')],
    surgeries: [
      op('K35.8', '47.01', '腹腔镜阑尾切除术', [3, 6]), op('K80.2', '51.23', '腹腔镜胆囊切除术', [3, 6]),
      op('K40.9', '53.02', '腹股沟疝修补术', [2, 4]), op('D17.9', '86.3', '皮下病损切除术', [1, 2]),
    ],
    admits: ['K56.7', 'K35.8'],
  },
  {
    code: 'ORTH', nameZh: '骨科', nameEn: 'Orthopedics', adultWeight: 9, childWeight: 1,
    specialties: ['关节外科', '脊柱外科', '创伤骨科', '运动医学'],
    diagnoses: [
      dx('M54.5', '腰痛', 8), dx('M51.2', '腰椎间盘突出', 5, ADULT), dx('M47.8', '颈椎病', 5, ADULT),
      dx('M17.9', '膝关节骨关节炎', 5, { minAge: 45 }), dx('S52.5', '桡骨远端骨折', 2), dx('S72.0', '股骨颈骨折', 1, { minAge: 60 }),
      dx('S93.4', '踝关节扭伤', 4),
    ],
    procedures: [proc('87.29', '腰椎X线检查'), proc('88.93', '脊柱磁共振检查'), proc('88.27', '膝关节X线检查'), treat('93.39', '康复理疗')],
    surgeries: [
      op('M17.9', '81.54', '全膝关节置换术', [7, 14]), op('S72.0', '81.51', '全髋关节置换术', [7, 14]),
      op('S52.5', '79.32', '桡骨骨折切开复位内固定术', [3, 7]), op('M51.2', '80.51', '腰椎间盘切除术', [5, 10]),
    ],
    admits: ['S72.0'],
  },
  {
    code: 'OBGY', nameZh: '妇产科', nameEn: 'Obstetrics and Gynecology', adultWeight: 9, childWeight: 0,
    specialties: ['产科', '普通妇科', '妇科肿瘤', '生殖内分泌'],
    diagnoses: [
      dx('N76.0', '急性阴道炎', 6, { sex: 'female', minAge: 16 }), dx('D25.9', '子宫平滑肌瘤', 3, { sex: 'female', minAge: 25 }),
      dx('N83.2', '卵巢囊肿', 3, { sex: 'female', minAge: 16 }), dx('N95.1', '绝经期综合征', 2, { sex: 'female', minAge: 45 }),
      dx('N94.6', '痛经', 3, { sex: 'female', minAge: 14, maxAge: 45 }),
    ],
    procedures: [proc('88.79', '妇科超声检查'), proc(null, '宫颈细胞学检查'), proc(null, 'HPV检测')],
    surgeries: [op('D25.9', '68.29', '腹腔镜子宫肌瘤剔除术', [4, 7]), op('N83.2', '65.25', '腹腔镜卵巢囊肿剥除术', [3, 5])],
    admits: [],
  },
  {
    code: 'PEDS', nameZh: '儿科', nameEn: 'Pediatrics', adultWeight: 0, childWeight: 40,
    specialties: ['小儿呼吸', '小儿消化', '新生儿', '儿童保健'],
    diagnoses: [
      dx('J06.9', '急性上呼吸道感染', 10, CHILD), dx('R50.9', '发热', 6, CHILD), dx('J18.9', '肺炎', 3, CHILD),
      dx('A08.0', '轮状病毒性肠炎', 2, { maxAge: 5 }), dx('B08.4', '手足口病', 2, { maxAge: 7 }), dx('J45.9', '哮喘', 2, CHILD),
      dx('L20.9', '特应性皮炎', 2, CHILD), dx('Z00.1', '儿童常规健康检查', 4, { maxAge: 6 }),
    ],
    procedures: [proc(null, '血常规检查'), proc('87.44', '胸部X线检查'), treat('93.94', '雾化吸入治疗'), proc(null, '儿童生长发育评估')],
    surgeries: [],
    admits: ['J18.9', 'A08.0'],
  },
  {
    code: 'OPHT', nameZh: '眼科', nameEn: 'Ophthalmology', adultWeight: 5, childWeight: 5,
    specialties: ['白内障', '青光眼', '眼底病', '屈光与斜弱视'],
    diagnoses: [
      dx('H52.1', '近视', 8), dx('H25.9', '老年性白内障', 4, { minAge: 55 }), dx('H40.9', '青光眼', 1, { minAge: 40 }),
      dx('H10.9', '结膜炎', 4), dx('H04.1', '干眼症', 4, ADULT),
    ],
    procedures: [proc('95.02', '眼科综合检查'), proc('95.26', '眼压测定'), proc('95.12', '眼底荧光血管造影')],
    surgeries: [op('H25.9', '13.41', '白内障超声乳化抽吸术', [1, 2])],
    admits: [],
  },
  {
    code: 'ENT', nameZh: '耳鼻喉科', nameEn: 'Otorhinolaryngology', adultWeight: 6, childWeight: 8,
    specialties: ['鼻科', '耳科', '咽喉科', '听力与眩晕'],
    diagnoses: [
      dx('J30.4', '变应性鼻炎', 6), dx('J32.9', '慢性鼻窦炎', 4), dx('J02.9', '急性咽炎', 6), dx('J35.0', '慢性扁桃体炎', 3),
      dx('H66.9', '中耳炎', 3), dx('J34.2', '鼻中隔偏曲', 2, ADULT), dx('H91.9', '听力减退', 2, { minAge: 40 }),
    ],
    procedures: [proc('21.21', '鼻内镜检查'), proc('95.41', '纯音测听'), proc('31.42', '喉镜检查')],
    surgeries: [op('J35.0', '28.2', '扁桃体切除术', [2, 4]), op('J34.2', '21.5', '鼻中隔黏膜下矫正术', [3, 5]), op('J32.9', '22.63', '鼻内镜下筛窦开放术', [3, 6])],
    admits: [],
  },
  {
    code: 'TCM', nameZh: '中医科', nameEn: 'Traditional Chinese Medicine', adultWeight: 5, childWeight: 0.5,
    specialties: ['中医内科', '针灸推拿', '中医妇科', '治未病'],
    diagnoses: [
      dx('G47.0', '失眠', 6, ADULT), dx('K59.0', '便秘', 4), dx('M54.2', '颈痛', 5, ADULT), dx('M54.5', '腰痛', 5),
      dx('R53', '乏力', 4, ADULT), dx('N94.6', '痛经', 3, { sex: 'female', minAge: 14, maxAge: 45 }),
    ],
    procedures: [treat('99.92', '针刺治疗'), treat('93.39', '推拿治疗'), treat(null, '中药熏蒸治疗'), treat('93.35', '艾灸治疗')],
    surgeries: [],
    admits: [],
  },
  {
    code: 'EMER', nameZh: '急诊科', nameEn: 'Emergency Medicine', adultWeight: 4, childWeight: 3,
    specialties: ['急诊内科', '急诊创伤', '中毒救治', '重症监护'],
    diagnoses: [
      dx('R10.4', '腹痛', 6), dx('R07.4', '胸痛', 4, ADULT), dx('T14.1', '开放性伤口', 4), dx('S06.0', '脑震荡', 1),
      dx('T78.4', '急性过敏反应', 2), dx('R55', '晕厥', 2), dx('A05.9', '细菌性食物中毒', 2), dx('R50.9', '发热', 4),
    ],
    procedures: [proc('89.52', '心电图检查'), proc('87.03', '头颅CT检查'), treat('86.59', '清创缝合术'), proc(null, '血常规检查')],
    surgeries: [],
    admits: [],
  },
  {
    code: 'UROL', nameZh: '泌尿外科', nameEn: 'Urology', adultWeight: 4, childWeight: 0.2,
    specialties: ['泌尿系结石', '前列腺疾病', '泌尿系肿瘤'],
    diagnoses: [
      dx('N20.0', '肾结石', 5, ADULT), dx('N40', '前列腺增生', 5, { sex: 'male', minAge: 50 }), dx('N39.0', '泌尿道感染', 5),
      dx('N20.1', '输尿管结石', 3, ADULT),
    ],
    procedures: [proc('88.75', '泌尿系超声检查'), proc(null, '尿常规检查'), proc(null, '前列腺特异性抗原测定')],
    surgeries: [op('N20.1', '56.0', '输尿管镜碎石取石术', [2, 4]), op('N40', '60.29', '经尿道前列腺电切术', [4, 7])],
    admits: ['N20.1'],
  },
  {
    code: 'DERM', nameZh: '皮肤科', nameEn: 'Dermatology', adultWeight: 5, childWeight: 3,
    specialties: ['过敏性皮肤病', '银屑病', '痤疮与皮肤美容'],
    diagnoses: [
      dx('L30.9', '皮炎', 6), dx('L50.9', '荨麻疹', 5), dx('L70.0', '寻常痤疮', 4, { minAge: 12, maxAge: 40 }),
      dx('B35.4', '体癣', 3), dx('L40.0', '寻常型银屑病', 1, ADULT), dx('B02.9', '带状疱疹', 2, { minAge: 40 }),
    ],
    procedures: [proc(null, '皮肤镜检查'), proc(null, '真菌镜检'), proc('86.11', '皮肤活检术')],
    surgeries: [],
    admits: [],
  },
  {
    code: 'PHEX', nameZh: '体检中心', nameEn: 'Health Check-up Center', adultWeight: 0, childWeight: 0,
    specialties: ['健康体检', '健康管理'],
    diagnoses: [dx('Z00.0', '一般医学检查', 1)],
    procedures: [proc('87.44', '胸部X线检查'), proc('88.74', '腹部超声检查'), proc('89.52', '心电图检查'), proc(null, '血常规检查')],
    surgeries: [],
    admits: [],
  },
];

/** Pregnancy is its own episode (prenatal checks, then delivery), not a diagnosis drawn at random. */
export const OBSTETRICS = {
  prenatal: dx('Z34.9', '正常妊娠监督', 1),
  prenatalExams: [proc('88.78', '产科超声检查'), proc('75.34', '胎心监护'), proc(null, '唐氏综合征筛查')],
  vaginal: { diagnosis: dx('O80.0', '单胎顺产', 1), procedure: proc('73.59', '人工助产'), stayDays: [2, 4] as const },
  cesarean: { diagnosis: dx('O82.0', '选择性剖宫产单胎分娩', 1), procedure: proc('74.1', '子宫下段剖宫产术'), stayDays: [4, 7] as const },
} as const;

export const DEPARTMENT_BY_CODE: ReadonlyMap<string, DepartmentDef> = new Map(DEPARTMENTS.map((d) => [d.code, d]));

export const DOCTOR_TITLES = ['主任医师', '副主任医师', '主治医师', '住院医师'] as const;

/** Laboratory panels with a plausible result line, so a lab visit on the timeline reads like one. */
export const LAB_PANELS: readonly { text: string; result: (r: () => number) => string }[] = [
  { text: '血常规检查', result: (r) => `白细胞 ${(4 + r() * 6).toFixed(1)}×10⁹/L，血红蛋白 ${Math.round(110 + r() * 50)} g/L` },
  { text: '肝功能检查', result: (r) => `谷丙转氨酶 ${Math.round(10 + r() * 50)} U/L，总胆红素 ${(5 + r() * 15).toFixed(1)} μmol/L` },
  { text: '肾功能检查', result: (r) => `肌酐 ${Math.round(50 + r() * 60)} μmol/L，尿素 ${(3 + r() * 5).toFixed(1)} mmol/L` },
  { text: '血脂检查', result: (r) => `总胆固醇 ${(3.8 + r() * 2.8).toFixed(2)} mmol/L，低密度脂蛋白 ${(2 + r() * 2.2).toFixed(2)} mmol/L` },
  { text: '尿常规检查', result: () => '尿蛋白阴性，尿糖阴性' },
];

export const DIABETES_LAB = {
  text: '糖化血红蛋白测定',
  result: (r: () => number) => `空腹血糖 ${(5.8 + r() * 4).toFixed(1)} mmol/L，糖化血红蛋白 ${(6 + r() * 3).toFixed(1)}%`,
};
