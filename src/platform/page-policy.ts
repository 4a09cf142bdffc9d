/**
 * The content security policy of every page TechPass renders: no scripts at all
 * (sign-in works without JavaScript), no framing, styles and images from itself.
 * `form-action` is left out on purpose: a sign-in or sign-out form's redirect
 * chain ends at the application's URL, and browsers apply form-action to it.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
