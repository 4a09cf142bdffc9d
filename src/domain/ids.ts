/**
 * Branded identifiers: an id of one kind cannot be passed where another is expected.
 * Only the layer that proves a value (a repository read, an authorization check)
 * should brand it.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type NamespaceId = Brand<string, 'NamespaceId'>;
export type ApplicationId = Brand<string, 'ApplicationId'>;
export type GroupId = Brand<string, 'GroupId'>;

export const asUserId = (v: string) => v as UserId;
export const asNamespaceId = (v: string) => v as NamespaceId;
export const asApplicationId = (v: string) => v as ApplicationId;
export const asGroupId = (v: string) => v as GroupId;

/** An integrated (upstream) identity provider. */
export type IdentityProviderId = Brand<string, 'IdentityProviderId'>;
export const asIdentityProviderId = (v: string) => v as IdentityProviderId;
