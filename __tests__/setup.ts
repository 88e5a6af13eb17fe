// CDKTF's jest matchers (toHaveResourceWithProperties, toHaveProviderWithProperties, …) and their types.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();
