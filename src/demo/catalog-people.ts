/**
 * People and places for the demo hospital: names weighted like the 2020 census surname table, real
 * administrative regions with their GB/T 2260 codes (so resident IDs agree with addresses), and the
 * occupations, sources and tags a hospital CRM sees. Employer names are invented and generic.
 */

export interface NamePart {
  zh: string;
  pinyin: string;
}

/** [surname, pinyin, share of the population in ‱]. */
const SURNAME_ROWS: readonly (readonly [string, string, number])[] = [
  ['王', 'wang', 712], ['李', 'li', 700], ['张', 'zhang', 674], ['刘', 'liu', 510], ['陈', 'chen', 461], ['杨', 'yang', 322],
  ['黄', 'huang', 245], ['赵', 'zhao', 219], ['吴', 'wu', 208], ['周', 'zhou', 195], ['徐', 'xu', 145], ['孙', 'sun', 138],
  ['马', 'ma', 129], ['朱', 'zhu', 128], ['胡', 'hu', 116], ['郭', 'guo', 113], ['何', 'he', 106], ['高', 'gao', 100],
  ['林', 'lin', 97], ['罗', 'luo', 86], ['郑', 'zheng', 78], ['梁', 'liang', 73], ['谢', 'xie', 66], ['宋', 'song', 62],
  ['唐', 'tang', 61], ['许', 'xu', 59], ['韩', 'han', 56], ['冯', 'feng', 55], ['邓', 'deng', 54], ['曹', 'cao', 54],
  ['彭', 'peng', 50], ['曾', 'zeng', 48], ['肖', 'xiao', 47], ['田', 'tian', 45], ['董', 'dong', 44], ['袁', 'yuan', 43],
  ['潘', 'pan', 41], ['于', 'yu', 41], ['蒋', 'jiang', 40], ['蔡', 'cai', 39], ['余', 'yu', 38], ['杜', 'du', 37],
  ['叶', 'ye', 36], ['程', 'cheng', 36], ['苏', 'su', 34], ['魏', 'wei', 34], ['吕', 'lv', 33], ['丁', 'ding', 32],
  ['任', 'ren', 32], ['沈', 'shen', 30], ['姚', 'yao', 29], ['卢', 'lu', 29], ['姜', 'jiang', 28], ['崔', 'cui', 27],
  ['钟', 'zhong', 26], ['谭', 'tan', 26], ['陆', 'lu', 25], ['汪', 'wang', 24], ['范', 'fan', 24], ['金', 'jin', 23],
  ['石', 'shi', 23], ['廖', 'liao', 22], ['贾', 'jia', 22], ['夏', 'xia', 21], ['韦', 'wei', 21], ['付', 'fu', 20],
  ['方', 'fang', 20], ['白', 'bai', 19], ['邹', 'zou', 19], ['孟', 'meng', 18], ['熊', 'xiong', 18], ['秦', 'qin', 17],
  ['邱', 'qiu', 17], ['江', 'jiang', 17], ['尹', 'yin', 16], ['薛', 'xue', 16], ['闫', 'yan', 16], ['段', 'duan', 15],
  ['雷', 'lei', 15], ['侯', 'hou', 15], ['龙', 'long', 14], ['史', 'shi', 14], ['陶', 'tao', 13], ['黎', 'li', 13],
  ['贺', 'he', 13], ['顾', 'gu', 13], ['毛', 'mao', 12], ['郝', 'hao', 12], ['龚', 'gong', 12], ['邵', 'shao', 12],
  ['万', 'wan', 11], ['钱', 'qian', 11], ['严', 'yan', 11], ['武', 'wu', 11], ['戴', 'dai', 11], ['莫', 'mo', 10],
  ['欧阳', 'ouyang', 2], ['司马', 'sima', 0.3], ['诸葛', 'zhuge', 0.3], ['上官', 'shangguan', 0.2],
];

export const SURNAMES: readonly (readonly [NamePart, number])[] = SURNAME_ROWS.map(([zh, pinyin, weight]) => [{ zh, pinyin }, weight]);

function parts(list: string): readonly NamePart[] {
  return list.split(' ').map((entry) => ({ zh: entry.slice(0, 1), pinyin: entry.slice(1) }));
}

export const GIVEN_MALE = parts(
  '伟wei 强qiang 磊lei 军jun 洋yang 勇yong 杰jie 涛tao 明ming 超chao 刚gang 平ping 辉hui 鹏peng 华hua 飞fei 鑫xin 波bo ' +
    '斌bin 宇yu 浩hao 凯kai 健jian 俊jun 帆fan 帅shuai 旭xu 宁ning 龙long 林lin 阳yang 建jian 国guo 志zhi 海hai 文wen ' +
    '东dong 峰feng 成cheng 博bo 晨chen 睿rui 轩xuan 子zi 天tian 昊hao 然ran 泽ze 宏hong 毅yi 诚cheng 振zhen 立li 德de ' +
    '荣rong 永yong 庆qing 福fu 生sheng 金jin 山shan 松song 亮liang 兵bing 卫wei 民min',
);

export const GIVEN_FEMALE = parts(
  '芳fang 娜na 敏min 静jing 丽li 艳yan 娟juan 霞xia 秀xiu 玲ling 桂gui 英ying 燕yan 萍ping 红hong 琳lin 雪xue 慧hui ' +
    '婷ting 颖ying 佳jia 倩qian 梅mei 兰lan 洁jie 琴qin 云yun 莉li 欣xin 怡yi 晶jing 露lu 瑶yao 雨yu 彤tong 萱xuan 涵han ' +
    '梓zi 诗shi 悦yue 思si 美mei 凤feng 玉yu 珍zhen 菲fei 薇wei 琪qi 婉wan 雅ya 淑shu 蕾lei 璐lu 月yue 秋qiu 冰bing 清qing',
);

/** Characters used in both boys' and girls' names. */
export const GIVEN_SHARED = parts('晓xiao 嘉jia 家jia 春chun 文wen 新xin 子zi 雨yu 安an 一yi 可ke 心xin 欣xin 乐le 思si');

export interface Region {
  province: string;
  city: string;
  district: string;
  code: string;
  weight: number;
}

/** [province, city, [district, code]…, weight per district]. The demo hospital is in Beijing, so most patients are local. */
const REGION_ROWS: readonly (readonly [string, string, readonly (readonly [string, string])[], number])[] = [
  ['北京市', '北京市', [['东城区', '110101'], ['西城区', '110102'], ['朝阳区', '110105'], ['丰台区', '110106'], ['石景山区', '110107'], ['海淀区', '110108']], 8],
  ['北京市', '北京市', [['门头沟区', '110109'], ['房山区', '110111'], ['通州区', '110112'], ['顺义区', '110113'], ['昌平区', '110114'], ['大兴区', '110115']], 5],
  ['天津市', '天津市', [['和平区', '120101'], ['河西区', '120103'], ['南开区', '120104']], 1.5],
  ['河北省', '石家庄市', [['长安区', '130102']], 2],
  ['河北省', '保定市', [['竞秀区', '130602']], 2],
  ['河北省', '廊坊市', [['广阳区', '131003']], 2],
  ['山西省', '太原市', [['小店区', '140105']], 0.6],
  ['内蒙古自治区', '呼和浩特市', [['新城区', '150102']], 0.5],
  ['辽宁省', '沈阳市', [['和平区', '210102'], ['沈河区', '210103']], 0.4],
  ['吉林省', '长春市', [['朝阳区', '220104']], 0.4],
  ['黑龙江省', '哈尔滨市', [['南岗区', '230103']], 0.5],
  ['上海市', '上海市', [['黄浦区', '310101'], ['徐汇区', '310104'], ['静安区', '310106'], ['闵行区', '310112'], ['浦东新区', '310115']], 0.4],
  ['江苏省', '南京市', [['玄武区', '320102'], ['鼓楼区', '320106']], 0.4],
  ['江苏省', '苏州市', [['姑苏区', '320508']], 0.4],
  ['浙江省', '杭州市', [['上城区', '330102'], ['拱墅区', '330105'], ['西湖区', '330106']], 0.3],
  ['浙江省', '宁波市', [['海曙区', '330203']], 0.3],
  ['安徽省', '合肥市', [['蜀山区', '340104']], 0.5],
  ['福建省', '福州市', [['鼓楼区', '350102']], 0.3],
  ['福建省', '厦门市', [['思明区', '350203']], 0.3],
  ['江西省', '南昌市', [['东湖区', '360102']], 0.4],
  ['山东省', '济南市', [['历下区', '370102']], 0.8],
  ['山东省', '青岛市', [['市南区', '370202']], 0.6],
  ['河南省', '郑州市', [['中原区', '410102'], ['金水区', '410105']], 0.6],
  ['湖北省', '武汉市', [['江岸区', '420102'], ['武昌区', '420106'], ['洪山区', '420111']], 0.3],
  ['湖南省', '长沙市', [['芙蓉区', '430102'], ['岳麓区', '430104']], 0.3],
  ['广东省', '广州市', [['越秀区', '440104'], ['海珠区', '440105'], ['天河区', '440106'], ['白云区', '440111']], 0.3],
  ['广东省', '深圳市', [['罗湖区', '440303'], ['福田区', '440304'], ['南山区', '440305']], 0.3],
  ['广西壮族自治区', '南宁市', [['青秀区', '450103']], 0.3],
  ['海南省', '海口市', [['美兰区', '460108']], 0.2],
  ['重庆市', '重庆市', [['渝中区', '500103']], 0.4],
  ['四川省', '成都市', [['锦江区', '510104'], ['青羊区', '510105'], ['武侯区', '510107']], 0.3],
  ['贵州省', '贵阳市', [['南明区', '520102']], 0.3],
  ['云南省', '昆明市', [['五华区', '530102']], 0.3],
  ['陕西省', '西安市', [['新城区', '610102'], ['碑林区', '610103'], ['雁塔区', '610113']], 0.3],
  ['甘肃省', '兰州市', [['城关区', '620102']], 0.3],
  ['新疆维吾尔自治区', '乌鲁木齐市', [['天山区', '650102']], 0.2],
];

export const REGIONS: readonly Region[] = REGION_ROWS.flatMap(([province, city, districts, weight]) =>
  districts.map(([district, code]) => ({ province, city, district, code, weight })),
);

export const STREETS = '人民路 解放路 中山路 建设路 和平路 幸福路 文化路 新华路 胜利路 长江路 黄河路 光明路 青年路 团结路 友谊路 花园路 学府路 科技路 朝阳路 复兴路'.split(' ');
export const COMPOUNDS = '阳光花园 幸福家园 锦绣华庭 翠湖小区 和平里 东方家园 碧水湾 金色家园 春晓苑 紫荆苑 绿地新城 枫林小区 望京花园 远洋山水'.split(' ');

export type EmployerKind = 'company' | 'factory' | 'school' | 'hospital' | 'government' | 'self' | 'none';

/** [occupation, where such a person works, weight among working-age adults]. */
export const OCCUPATIONS: readonly (readonly [string, EmployerKind, number])[] = [
  ['工程师', 'company', 8], ['程序员', 'company', 5], ['会计', 'company', 5], ['销售', 'company', 7], ['司机', 'company', 5],
  ['快递员', 'company', 3], ['厨师', 'company', 3], ['律师', 'company', 1], ['设计师', 'company', 2], ['服务员', 'company', 3],
  ['工人', 'factory', 10], ['教师', 'school', 6], ['医生', 'hospital', 2], ['护士', 'hospital', 3], ['公务员', 'government', 4],
  ['个体经营', 'self', 8], ['农民', 'none', 7], ['自由职业', 'none', 4], ['无业', 'none', 4],
];

export const EMPLOYER_BRANDS = '恒达 华瑞 启明 远航 星河 鼎盛 瑞丰 嘉禾 博远 同创 安泰 立信 宏图 金桥 新锐 云帆'.split(' ');
export const COMPANY_TRADES = '科技 贸易 物流 建设 餐饮管理 信息技术 文化传媒 医药 电子 物业管理'.split(' ');
export const FACTORY_TRADES = '机械制造 电子元件 食品 服装 汽车零部件'.split(' ');
export const SCHOOLS = '实验小学 第一中学 第二中学 外国语学校 职业技术学校'.split(' ');
export const GOVERNMENT_OFFICES = '人民政府 税务局 街道办事处 市场监督管理局 教育局'.split(' ');

export const SOURCES = [
  ['walk-in', 40], ['online', 25], ['referral', 12], ['phone', 8], ['community', 8], ['physical-exam', 7],
] as const;

export const TAGS = ['高血压随访', '糖尿病管理', '慢病', 'VIP', '孕产妇', '老年人', '儿童保健', '术后随访', '医保'] as const;

export const ADULT_RELATIONSHIPS = [['配偶', 6], ['子女', 3], ['兄弟姐妹', 1], ['朋友', 0.5]] as const;
export const CHILD_RELATIONSHIPS = [['母亲', 6], ['父亲', 4], ['祖父母', 1]] as const;

export const ALLERGENS: readonly (readonly [string, number])[] = [
  ['青霉素', 10], ['头孢类抗生素', 5], ['磺胺类药物', 3], ['阿司匹林', 2], ['碘造影剂', 2], ['海鲜', 5], ['花生', 2], ['花粉', 4], ['尘螨', 4], ['鸡蛋', 1], ['牛奶', 1],
];
export const ALLERGY_REACTIONS = [['皮疹', 8], ['荨麻疹', 5], ['瘙痒', 4], ['恶心呕吐', 2], ['呼吸困难', 1], ['过敏性休克', 0.3]] as const;

export const HYPERTENSION_DRUGS = '氨氯地平 缬沙坦 硝苯地平控释片 厄贝沙坦 美托洛尔'.split(' ');
export const DIABETES_DRUGS = '二甲双胍 阿卡波糖 格列美脲 胰岛素 达格列净'.split(' ');
export const FAMILY_HISTORY = [
  ['父亲有高血压病史', 5], ['母亲有高血压病史', 4], ['母亲患2型糖尿病', 3], ['父亲患2型糖尿病', 3], ['父亲因脑卒中去世', 1],
  ['母亲有乳腺癌病史', 0.5], ['家族中无遗传病史', 6],
] as const;
