// The page's one piece of shared state: the session (its account and CSRF token) and
// the forms fetched so far. Every module imports this object; none keeps a copy.
export const state = { session: null, forms: {} };
