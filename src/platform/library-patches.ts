/**
 * What the library patch modules (src/oidc/patches/, src/persistence/patches/) share:
 * confirming a member TechPass replaces or relies on still has the shape it expects,
 * and the one clear error when it does not. The modules' `check…()` functions take the
 * object they inspect, so a test can hand them a stub lacking a member.
 */
import { createRequire } from 'node:module';

/** A member's expected shape: a function (of `arity` arguments, when that matters) or a getter. */
export type MemberShape = { kind: 'function'; arity?: number } | { kind: 'getter' };

export interface PatchedMember {
  library: string;
  /** The installed version (see installedVersion). */
  version: string;
  /** How the member is named in the message, e.g. `Client.prototype.compareClientSecret`. */
  member: string;
  /** The module to review and update, e.g. `src/oidc/patches/oidc-provider.ts`. */
  module: string;
}

/** The version of `library` in node_modules ('unknown' when its package.json cannot be read). */
export function installedVersion(library: string): string {
  try {
    return (createRequire(import.meta.url)(`${library}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function describe(shape: MemberShape): string {
  if (shape.kind === 'getter') return 'a getter';
  return shape.arity === undefined ? 'a function' : `a function of ${shape.arity} argument${shape.arity === 1 ? '' : 's'}`;
}

/** The error a check throws: which library, version and member, and where to update the code. */
export function patchedMemberMissing(where: PatchedMember, expected: string): Error {
  return new Error(
    `${where.library} ${where.version}: TechPass patches ${where.member} (expected ${expected}), ` +
      `but this version of ${where.library} does not have it so. ` +
      `Review and update ${where.module}, and the exact version of ${where.library} pinned in package.json.`,
  );
}

/** Whether `owner[name]` has `shape`, looking up the prototype chain as the library's own callers do. */
function hasShape(owner: unknown, name: string, shape: MemberShape): boolean {
  if ((typeof owner !== 'object' && typeof owner !== 'function') || owner === null) return false;
  for (let at: object | null = owner; at; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    if (!descriptor) continue;
    if (shape.kind === 'getter') return typeof descriptor.get === 'function';
    const value: unknown = descriptor.value;
    return typeof value === 'function' && (shape.arity === undefined || value.length === shape.arity);
  }
  return false;
}

/** Throws `patchedMemberMissing` unless `owner[name]` has `shape`. */
export function expectMember(owner: unknown, name: string, shape: MemberShape, where: PatchedMember): void {
  if (!hasShape(owner, name, shape)) throw patchedMemberMissing(where, describe(shape));
}
