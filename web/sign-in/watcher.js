// @ts-check
/*
 * The sign-in pages' watcher (the push prompt, the authenticator enrolment):
 * polls the page's status URL while the answer is pending, then submits the
 * page's form, so the computer moves on by itself once the phone has answered.
 * A classic script, served from /login/assets/watcher.js and run with the
 * page's nonce (src/ui/factor-pages.tsx's Watcher calls techpassWatch). Without
 * JavaScript the person presses Continue instead.
 */

/**
 * @param {{ statusUrl: string, formId: string, done: string[] }} watch
 *   `done`: the statuses (src/http/sign-in-routes.ts's push-status, enrol-status) that end the wait
 */
function techpassWatch({ statusUrl, formId, done }) {
  let stop = false;
  function poll() {
    if (stop) return;
    fetch(statusUrl, { credentials: 'same-origin', cache: 'no-store' })
      .then((response) => /** @type {Promise<{ status: string }>} */ (response.json()))
      .then((answer) => {
        if (done.indexOf(answer.status) >= 0) {
          stop = true;
          /** @type {HTMLFormElement} */ (document.getElementById(formId)).submit();
        } else {
          setTimeout(poll, 1500);
        }
      })
      // Offline or a server hiccup: keep watching, more slowly.
      .catch(() => setTimeout(poll, 3000));
  }
  setTimeout(poll, 1000);
}
