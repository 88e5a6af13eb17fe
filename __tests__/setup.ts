// CDKTF's jest matchers (toHaveResourceWithProperties, toHaveProviderWithProperties, …) and their types.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();

// The SDK's notice that releases after January 2027 need Node 22; our versions are pinned by the lockfile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
