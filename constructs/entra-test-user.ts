import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { User } from '@cdktf/provider-azuread/lib/user';
import { UserConfig } from '../app-config/schema';
import { literal } from './literal';

export interface EntraTestUserProps {
  readonly user: UserConfig;
  /** The tenant's default domain, from the context file (lookup reads it from the tenant). */
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
    // Entra requires a password at creation. It is Terraform's uuid() (122 random bits), never written
    // in code or printed, and must be changed at first sign-in. The suffix guarantees the Entra password
    // policy's character classes (concept-sspr-policy: three of lower, upper, digit, symbol). uuid()
    // differs at every plan, hence ignore_changes; the first value remains only in this stack's state.
    // Terraform's own function rather than the random provider: the user allowed aws, azurerm, azuread only.
    const initialPassword = `${Fn.uuid()}Aa1!`;
    const entraUser = new User(this, 'user', {
      userPrincipalName: literal(`${user.userName}@${props.domain}`),
      displayName: literal(user.displayName),
      givenName: literal(user.givenName),
      surname: literal(user.familyName),
      department: literal(user.department),
      mailNickname: literal(user.userName),
      password: initialPassword,
      forcePasswordChange: true,
      lifecycle: { ignoreChanges: ['password'] },
    });
    this.userName = user.userName;
    this.objectId = entraUser.objectId;
    this.userPrincipalName = entraUser.userPrincipalName;
  }
}
