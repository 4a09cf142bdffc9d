/** The TechPass layer on top of SGDS, served at /login/assets/techpass.css. */
export const TECHPASS_CSS = `/* TechPass sign-in pages, on top of SGDS. */
body { background: #f3f5f8; min-height: 100vh; display: flex; flex-direction: column; }
.tp-container { max-width: 960px; margin: 0 auto; padding: 0 1rem; }
.tp-masthead { background: #f0f0f0; font-size: .8rem; padding: .25rem 0; color: #484848; }
.tp-header { background: #1a2a4a; color: #fff; padding: .9rem 0; }
.tp-header .tp-container { display: flex; align-items: center; gap: .6rem; }
.tp-logo { display: inline-flex; width: 2rem; height: 2rem; border-radius: .4rem; background: #5925dc; color: #fff; font-weight: 700; align-items: center; justify-content: center; font-size: .85rem; }
.tp-brand { font-size: 1.25rem; font-weight: 600; letter-spacing: .02em; }
.tp-main { flex: 1; width: 100%; max-width: 460px; margin: 2.5rem auto; padding: 0 1rem; }
.tp-main.tp-wide { max-width: 640px; }
.tp-card { box-shadow: 0 2px 12px rgba(16, 24, 40, .08); border: 0; }
.tp-card .card-body { padding: 2rem; }
.tp-card h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.tp-sub { color: #5d6785; margin-bottom: 1.5rem; }
.tp-card form + form { margin-top: .75rem; }
.tp-actions { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin-top: 1.25rem; }
.tp-other-methods { display: flex; flex-direction: column; align-items: flex-start; gap: .35rem; margin: .5rem 0; }
.tp-other-methods form { margin: 0; }
.tp-problem:empty { display: none; }
.tp-problem { color: #b42318; margin-top: .75rem; }
.tp-link { background: none; border: 0; padding: 0; color: #5925dc; text-decoration: underline; cursor: pointer; font: inherit; }
.tp-accounts { list-style: none; padding: 0; margin: 0 0 1rem; }
.tp-accounts li { display: flex; align-items: center; gap: .5rem; border: 1px solid #d0d5dd; border-radius: .5rem; margin-bottom: .5rem; padding: .25rem .5rem .25rem .25rem; }
.tp-accounts li form { margin: 0; }
.tp-account { flex: 1; display: flex; gap: .75rem; align-items: center; text-align: left; background: none; border: 0; padding: .5rem; cursor: pointer; width: 100%; }
.tp-account:hover { background: #f4f0ff; border-radius: .4rem; }
.tp-avatar { width: 2.25rem; height: 2.25rem; border-radius: 50%; background: #e9e3fd; color: #5925dc; display: inline-flex; align-items: center; justify-content: center; font-weight: 600; flex: none; }
.tp-account-name { display: block; font-weight: 600; color: #1d2939; }
.tp-account-id { display: block; font-size: .85rem; color: #5d6785; }
.tp-account-state { font-size: .75rem; color: #5d6785; }
.tp-terms { max-height: 16rem; overflow: auto; border: 1px solid #d0d5dd; border-radius: .5rem; padding: 1rem; font-size: .9rem; background: #fafbfc; margin-bottom: 1rem; }
.tp-meta { color: #5d6785; font-size: .8rem; margin-top: 1.25rem; }
.tp-code { text-align: center; margin: 1.25rem 0; }
.tp-code code { font-size: 2rem; letter-spacing: .15em; color: inherit; }
#user_code { text-transform: uppercase; letter-spacing: .15em; font-size: 1.25rem; text-align: center; }
.tp-qr { width: 220px; height: 220px; margin: 0 auto 1rem; }
.tp-qr svg { width: 100%; height: 100%; }
.tp-seed { font-size: 1rem; letter-spacing: .05em; }
.tp-number { font-size: 3.5rem; font-weight: 700; text-align: center; letter-spacing: .1em; color: #1a2a4a; margin: 1rem 0; }
.tp-footer { color: #5d6785; font-size: .8rem; padding: 1.25rem 0; }
.tp-mail-text { white-space: pre-wrap; font-family: inherit; }
.tp-altcha { margin-top: 1rem; }
`;
