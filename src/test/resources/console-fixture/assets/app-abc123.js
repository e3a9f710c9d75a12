// test fixture of ConsoleIntegrationTest (a hashed Vite asset stands here in the real build)
export const fixture = "mlgate console fixture mlgate console fixture mlgate console fixture mlgate console fixture";
document.getElementById("app")?.setAttribute("data-fixture", fixture);
