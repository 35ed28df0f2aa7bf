// Prints one plain closing line, "N passed, N failed, N skipped", from a JUnit XML report.
import { readFileSync } from 'node:fs';

const xml = readFileSync(process.argv[2] ?? 'test-artifacts/junit.xml', 'utf8');
const head = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
const attribute = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
const skipped = (xml.match(/<skipped\b/g) ?? []).length;
const failed = attribute('failures') + attribute('errors');
console.log(`${attribute('tests') - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
