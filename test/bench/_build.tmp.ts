import { benchHospital } from '/work/main/test/bench/fixture.js';
const { db } = await benchHospital();
db.$client.close();
