/**
 * Prints how to reach the dashboard and the experiment. The demo serves with the dashboard's demo
 * mode: without PALATE_ADMIN_TOKEN its registry and experiment views are open read-only (a
 * laptop demo has no secrets and a newcomer has no token) and the admin API stays off; with the
 * token set, both need it, as in production.
 */
export function printDemoAccess(baseUrl: string, token = process.env.PALATE_ADMIN_TOKEN): void {
  console.log(`Dashboard: ${baseUrl}/dashboard`);
  if (token) {
    console.log("  PALATE_ADMIN_TOKEN is set: the dashboard asks for it once; the admin API is on:");
    const auth = `-H "Authorization: Bearer $PALATE_ADMIN_TOKEN"`;
    console.log(`  curl ${auth} ${baseUrl}/v1/admin/experiment`);
    console.log(`  curl ${auth} ${baseUrl}/v1/admin/models`);
    console.log(`  curl ${auth} ${baseUrl}/v1/admin/drift`);
  } else {
    console.log("  read-only, no token needed (demo mode); the experiment as the dashboard reads it:");
    console.log(`  curl ${baseUrl}/v1/dashboard/status`);
    console.log(
      "  (set PALATE_ADMIN_TOKEN to turn on the admin API /v1/admin/… and the dashboard's pause/resume)",
    );
  }
}
