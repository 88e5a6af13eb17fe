import { Construct } from 'constructs';
import { User } from '@cdktf/provider-azuread/lib/user';
import { Password } from '@cdktf/provider-random/lib/password';
import { UserConfig } from '../config-schema';

export interface EntraTestUserProps {
  readonly user: UserConfig;
  /** The tenant's default domain, read by a data source. */
  readonly domain: string;
}

/** A test user of the guide (steps 1.2 and 4.1), with the department that ABAC passes on. */
export class EntraTestUser extends Construct {
  readonly userName: string;
  readonly objectId: string;
  readonly userPrincipalName: string;

  constructor(scope: Construct, id: string, props: EntraTestUserProps) {
    super(scope, id);
    const { user } = props;
    // Entra requires a password at creation. It is generated, never written in code or printed,
    // and must be changed at first sign-in; the one-time value remains only in this stack's state.
    const initialPassword = new Password(this, 'initial_password', { length: 24, special: true, minUpper: 1, minLower: 1, minNumeric: 1 });
    const entraUser = new User(this, 'user', {
      userPrincipalName: `${user.userName}@${props.domain}`,
      displayName: user.displayName,
      givenName: user.givenName,
      surname: user.familyName,
      department: user.department,
      mailNickname: user.userName,
      password: initialPassword.result,
      forcePasswordChange: true,
      lifecycle: { ignoreChanges: ['password'] },
    });
    this.userName = user.userName;
    this.objectId = entraUser.objectId;
    this.userPrincipalName = entraUser.userPrincipalName;
  }
}
