import { privacyErasure } from './workloads/privacy-erasure.js';
process.on('exit', (c) => console.error('exit', c));
const t = performance.now();
console.log(await privacyErasure.run({ quick: false }));
console.error('took', performance.now() - t);
