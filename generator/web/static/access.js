// Who is using the page: the access token (a person's own, kept until the browser closes, or the clinic's shared
// one, kept on this computer), every API call made with it, and signing out for the next person.

const $ = (id) => document.getElementById(id);

// A shared token is kept on this computer; a person's own token only until the browser closes (see signedIn).
function token() {
  return $("token").value || sessionStorage.getItem("handout-token") || localStorage.getItem("handout-token") || "";
}

export async function signedIn() {
  const response = await api("/api/me");
  const me = response.ok ? await response.json() : { name: null };
  if (me.name) localStorage.removeItem("handout-token");
  else if (token()) localStorage.setItem("handout-token", token());
  $("token-box").hidden = true;  // the token worked
  $("signed-in").hidden = !me.name;
  $("signed-in-name").textContent = me.name ? "Signed in as " + me.name : "";
}

export function signOut() {
  $("token").value = "";
  sessionStorage.removeItem("handout-token");
  localStorage.removeItem("handout-token");
  location.reload();
}

export async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    $("token-box").hidden = false;
    $("token").focus();
  }
  return response;
}
