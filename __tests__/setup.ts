// CDKTF's jest matchers (toHaveResourceWithProperties, toHaveProviderWithProperties, …) and their types.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();

// The SDK's notice that releases after January 2027 need Node 22; our versions are pinned by the lockfile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The integration and end-to-end tiers need real tools: where one is missing, every suite of those
// tiers fails and says what to install (never a silent skip). The unit tier needs none.
import { INSTALL_HINTS, missingTools } from '../local/harness/tools';

beforeAll(() => {
  if (!/__tests__[\\/](integration|e2e)[\\/]/.test(expect.getState().testPath ?? '')) return;
  const missing = missingTools(['terraform', 'moto_server', 'mirror']);
  if (missing.length) throw new Error(`This tier needs what this machine lacks: ${missing.map((tool) => INSTALL_HINTS[tool]).join('; ')}. Install it, or run the unit tier alone (npm run test:unit).`);
});
