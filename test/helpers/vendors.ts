/**
 * Vendor accounts as a tenant admin makes them (the same flow the CLI calls), and the
 * activation code read back from the SMS in the outbox, as the vendor's phone would.
 */
import { expect } from 'vitest';
import { asNamespaceId } from '../../src/domain/ids.js';
import { createVendor, reissueActivationCode, type NewVendorInput, type VendorDeps } from '../../src/flows/vendors.js';
import { systemClock, type Clock } from '../../src/platform/clock.js';
import type { TestServer } from './server.js';

export function vendorDeps(tp: TestServer, clock: Clock = systemClock): VendorDeps {
  const store = tp.server.store;
  return {
    users: store.users,
    outbox: store.outbox,
    audit: store.audit,
    activationCodes: store.activationCodes,
    forNamespace: (id) => store.forNamespace(id),
    transaction: (fn) => store.transaction(fn),
    clock,
    localIdDomain: tp.config.LOCAL_ID_DOMAIN,
    activationCodeTtlMs: tp.config.VENDOR_ACTIVATION_CODE_TTL * 1000,
  };
}

/** Creates a vendor in the namespace named `namespaceName`; answers the account and the code its SMS carried. */
export async function vendor(tp: TestServer, namespaceName: string, input: NewVendorInput, clock?: Clock) {
  const namespace = await tp.server.store.namespaces.findByName(namespaceName);
  if (!namespace) throw new Error(`no namespace ${namespaceName}`);
  const result = await createVendor(vendorDeps(tp, clock), namespace, 'test:tenant-admin', input);
  expect(result.ok, result.ok ? '' : result.message).toBe(true);
  if (!result.ok) throw new Error(result.message);
  return { ...result.value.vendor, code: await smsCode(tp, result.value.vendor.mobile!) };
}

/** A new code for a pending vendor (the old one stops working); answers it as the SMS carried it. */
export async function resendCode(tp: TestServer, namespaceName: string, login: string): Promise<string> {
  const namespace = await tp.server.store.namespaces.findByName(namespaceName);
  const result = await reissueActivationCode(vendorDeps(tp), asNamespaceId(namespace!.id), 'test:tenant-admin', login);
  expect(result.ok, result.ok ? '' : result.message).toBe(true);
  return smsCode(tp, result.ok ? result.value.vendor.mobile! : '');
}

/** The SMS messages to `mobile`, newest first. */
export async function smsTo(tp: TestServer, mobile: string) {
  return (await tp.server.store.outbox.recent(50, mobile)).filter((m) => m.channel === 'sms');
}

/** The activation code in the newest SMS to `mobile`. */
export async function smsCode(tp: TestServer, mobile: string): Promise<string> {
  const [newest] = await smsTo(tp, mobile);
  const code = newest ? /activation code of \S+ is (\d{8})\./.exec(newest.text)?.[1] : undefined;
  if (!code) throw new Error(`no activation code SMS to ${mobile}: ${newest?.text ?? 'none'}`);
  return code;
}
