import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts, LinkSigner, loadSecret, ManagerDirectory, migrateMatch, nameKey, readManagersCsv } from './index.js';
import { sampleManagers } from './test-support/fixture.js';

describe('applicant names', () => {
  test('nameKey ignores company-form markers, full-width forms and spaces', () => {
    assert.equal(nameKey('(주) 에이치씨테크'), nameKey('에이치씨테크 주식회사'));
    assert.equal(nameKey('㈜에이치씨테크'), nameKey('에이치씨테크'));
    assert.equal(nameKey('인천대학교 산학협력단'), '인천대학교산학협력단');
    assert.notEqual(nameKey('인천대학교 산학협력단'), nameKey('인하대학교 산학협력단'));
  });
});

/** A migrated database in a temporary home for the enclosing describe block. */
function temporaryDatabase(): { home: string; db: Database.Database } {
  const state = {} as { home: string; db: Database.Database };
  before(async () => {
    state.home = await mkdtemp(join(tmpdir(), 'patmatch-'));
    state.db = new Database(join(state.home, 'patmatch.db'));
    migrateMatch(state.db);
  });
  after(async () => {
    state.db.close();
    await rm(state.home, { recursive: true, force: true });
  });
  return state;
}

describe('manager directory', () => {
  const temp = temporaryDatabase();
  let directory: ManagerDirectory;
  before(() => {
    directory = new ManagerDirectory(temp.db);
  });

  test('ingests the sample CSV; re-ingesting leaves identical entries alone and updates changed ones', async () => {
    const managers = await sampleManagers();
    assert.equal(managers.length, 200);
    assert.deepEqual(directory.upsert(managers), { added: 200, updated: 0, unchanged: 0 });
    assert.deepEqual(directory.upsert(managers), { added: 0, updated: 0, unchanged: 200 });
    const moved = { ...managers[0]!, email: 'new-tlo@org0001.example' };
    assert.deepEqual(directory.upsert([moved]), { added: 0, updated: 1, unchanged: 0 });
    assert.equal(directory.count(), 200);
  });

  test('reaches the manager of each known applicant, then of an entry for all of them together', () => {
    const emails = (applicants: string[]) => directory.lookupAll(applicants).map((manager) => manager.email);
    assert.deepEqual(emails(['인천대학교 산학협력단']), ['tlo@org0093.example']);
    assert.deepEqual(emails(['인천대학교산학협력단']), ['tlo@org0093.example'], 'spacing differs');
    assert.deepEqual(emails(['삼성전자주식회사', '인천대학교 산학협력단']), ['tlo@org0054.example', 'tlo@org0093.example'], 'applicant order');
    assert.deepEqual(emails(['인천대학교 산학협력단', '삼성전자주식회사']), ['tlo@org0093.example', 'tlo@org0054.example'], 'applicant order');
    // The sample lists the co-applied string as a row of its own, with an organisation of that name.
    assert.deepEqual(emails(['인천대학교 산학협력단', '에이치씨테크(주)']), ['tlo@org0093.example', 'tlo@org0113.example'], 'the co-applied entry counts too');
    assert.deepEqual(emails(['인천대학교 산학협력단', '어느회사(주)']), ['tlo@org0093.example'], 'co-applicant unknown');
    assert.deepEqual(emails(['어느회사', '인천대학교 산학협력단']), ['tlo@org0093.example'], 'first applicant unknown');
    assert.deepEqual(emails(['알려지지 않은 출원인']), []);
    assert.deepEqual(emails([]), []);
  });

  test('inside a single field that stayed whole, each known name counts; never inside a name of a list', () => {
    const emails = (applicants: string[]) => directory.lookupAll(applicants).map((manager) => manager.email);
    assert.deepEqual(emails(['어느회사 인천대학교 산학협력단']), ['tlo@org0093.example']);
    assert.deepEqual(emails(['삼성전자주식회사 어느회사 인천대학교 산학협력단']), ['tlo@org0054.example', 'tlo@org0093.example'], 'left to right');
    assert.deepEqual(emails(['현대자동차주식회사 기아자동차주식회사 인천대학교 산학협력단']), ['tlo@org0193.example'], 'a whole string the directory lists as written');
    assert.deepEqual(emails(['어느회사 인천대학교 산학협력단', '다른회사']), [], 'a list of names is not searched inside');
  });

  test('a CSV with a bad row or a missing column is refused with file, line and column', async () => {
    const bad = join(temp.home, 'managers.csv');
    await writeFile(bad, 'applicant,manager_name,manager_email,organization\n"A대학교",담당자,tlo@a.example,A대학교\n"B대학교",담당자,not-an-email,B대학교\n');
    await assert.rejects(readManagersCsv(bad), /managers\.csv line 3, manager_email: Invalid email/);
    await writeFile(bad, 'applicant,manager_name,organization\nA,B,C\n');
    await assert.rejects(readManagersCsv(bad), /missing column\(s\) manager_email/);
     await writeFile(bad, 'foo,bar\n');
    await assert.rejects(readManagersCsv(bad), /missing column\(s\) applicant, manager_name, manager_email, organization \(found: foo, bar\)/);
    await writeFile(bad, 'applicant,manager_name,manager_email,organization\n(주)에이치씨테크,담당자,a@h.example,H\n에이치씨테크 주식회사,담당자,b@h.example,H\n');
    await assert.rejects(readManagersCsv(bad), /line 3, applicant: "에이치씨테크 주식회사" is the same applicant as line 2/);
  });

  test('a CP949 manager CSV (as Korean Excel saves it) is read as Korean, not mojibake', async () => {
    const file = join(temp.home, 'managers-cp949.csv');
    await writeFile(file, iconv.encode('applicant,manager_name,manager_email,organization\n인천대학교 산학협력단,홍길동,tlo@inu.example,인천대학교\n', 'cp949'));
    assert.deepEqual(await readManagersCsv(file), [{ applicant: '인천대학교 산학협력단', name: '홍길동', email: 'tlo@inu.example', organization: '인천대학교' }]);
  });
});

describe('manager directory: one manager per organisation', () => {
  const temp = temporaryDatabase();
  let emails: (applicants: string[]) => string[];
  before(() => {
    const directory = new ManagerDirectory(temp.db);
    const entry = (applicant: string, email: string, organization: string) => ({ applicant, name: '담당자', email, organization });
    directory.upsert([
      entry('가나대학교 산학협력단', 'tlo@ganada.example', '가나대학교'),
      entry('가나대학교 병원', 'hospital@ganada.example', '가나대학교'),
      entry('가나대학교 산학협력단 비테크(주)', 'joint@ganada.example', '가나대학교'),
      entry('비테크 주식회사', 'tlo@btech.example', '비테크(주)'),
      entry('한빛기술연구원', 'tlo@hanbit.example', '한빛기술연구원'),
      entry('한빛기술연구원 부설 센터', 'tlo@center.example', '한빛센터'),
    ]);
    emails = (applicants) => directory.lookupAll(applicants).map((manager) => manager.email);
  });

  test('two applicants of one organisation reach its manager once, the first listed', () => {
    assert.deepEqual(emails(['가나대학교 산학협력단', '가나대학교 병원']), ['tlo@ganada.example']);
    assert.deepEqual(emails(['가나대학교 병원', '가나대학교 산학협력단']), ['hospital@ganada.example']);
  });

  test('an entry for the co-applied string adds nothing when it names an organisation already reached', () => {
    assert.deepEqual(emails(['가나대학교 산학협력단', '비테크(주)']), ['tlo@ganada.example', 'tlo@btech.example']);
  });

  test('inside a field kept whole the longest known name wins where two overlap; short keys are not searched for', () => {
    assert.deepEqual(emails(['한빛기술연구원 부설 센터 어느회사']), ['tlo@center.example']);
    assert.deepEqual(emails(['어느회사 한빛기술연구원']), ['tlo@hanbit.example']);
    assert.deepEqual(emails(['어느 비테크 회사']), [], '비테크 is shorter than 4 characters');
  });
});

describe('accounts and signed links', () => {
  const temp = temporaryDatabase();
  let accounts: Accounts;
  before(() => {
    accounts = new Accounts(temp.db);
  });

  test('passwords are stored as argon2id hashes and verified; tokens are stored hashed', async () => {
    const user = await accounts.create({ email: 'Buyer@Corp.example', password: 'correct horse', role: 'demander' });
    assert.equal(user.email, 'buyer@corp.example');
    const stored = temp.db.prepare('SELECT password_hash FROM match_users WHERE id = ?').get(user.id) as { password_hash: string };
    assert.match(stored.password_hash, /^\$argon2id\$/);
    assert.equal((await accounts.login('buyer@corp.example', 'correct horse'))?.id, user.id);
    assert.equal(await accounts.login('buyer@corp.example', 'wrong horse'), undefined);
    assert.equal(await accounts.login('nobody@corp.example', 'correct horse'), undefined);

    const token = accounts.createApiToken(user.id);
    assert.equal(accounts.authenticate(token, 'api')?.user.id, user.id);
    assert.equal(accounts.authenticate(token, 'session'), undefined, 'an API token is not a session');
    const hashes = temp.db.prepare('SELECT token_hash FROM match_tokens').all() as { token_hash: string }[];
    assert.ok(hashes.every((row) => !row.token_hash.includes(token)));
    accounts.revoke(token);
    assert.equal(accounts.authenticate(token, 'api'), undefined);

    const expired = accounts.createSession(user.id, -1);
    assert.equal(accounts.authenticate(expired.token, 'session'), undefined);
    const live = accounts.createSession(user.id, 60_000);
    assert.equal(accounts.authenticate(live.token, 'session')?.csrfToken, live.csrfToken);
  });

  test('duplicate users and managers without an organisation are refused', async () => {
    await assert.rejects(accounts.create({ email: 'buyer@corp.example', password: 'another pw', role: 'admin' }), /already exists/);
    await assert.rejects(accounts.create({ email: 'tlo@univ.example', password: 'another pw', role: 'manager' }), /organization/);
    await assert.rejects(accounts.create({ email: 'x@univ.example', password: 'short', role: 'admin' }), /password: must have at least 8/);
  });

  test('the secret file is created once with mode 0600 and reused', async () => {
    const first = await loadSecret(temp.home);
    const second = await loadSecret(temp.home);
    assert.deepEqual(first, second);
    assert.equal(first.length, 32);
    assert.equal((await stat(join(temp.home, 'secret'))).mode & 0o777, 0o600);
  });

  test('callers racing on a fresh home all get the one secret that was written', async () => {
    const fresh = join(temp.home, 'racing');
    const secrets = await Promise.all(Array.from({ length: 16 }, () => loadSecret(fresh)));
    for (const secret of secrets) assert.deepEqual(secret, secrets[0]);
    assert.deepEqual(await readdir(fresh), ['secret'], 'no temporary file left behind');
  });

  test('links verify only with the same secret, match, action and expiry, and only before expiry', async () => {
    const signer = new LinkSigner(await loadSecret(temp.home));
    const claim = { matchId: 7, action: 'accept' as const, expires: 2_000_000_000_000 };
    const sig = signer.sign(claim);
    assert.ok(signer.verify(claim, sig, 1_000));
    assert.ok(!signer.verify(claim, sig, 2_000_000_000_000), 'expired');
    assert.ok(!signer.verify({ ...claim, matchId: 8 }, sig, 1_000));
    assert.ok(!signer.verify({ ...claim, action: 'decline' }, sig, 1_000));
    assert.ok(!signer.verify({ ...claim, expires: claim.expires + 1 }, sig, 1_000));
    assert.ok(!signer.verify(claim, `${sig}x`, 1_000));
    assert.ok(!new LinkSigner(Buffer.alloc(32, 1)).verify(claim, sig, 1_000), 'another server secret');
  });
});
