import { Construct } from 'constructs';
import { IdentitystoreUser } from '@cdktf/provider-aws/lib/identitystore-user';
import { UserConfig } from '../app-config/schema';
import { literal } from './literal';

export interface IdentityCenterUserProps {
  readonly identityStoreId: string;
  readonly user: UserConfig;
  /** The Entra tenant's default domain: SAML sign-in matches the NameID (the UPN) to this user name. */
  readonly domain: string;
}

/** A user created by hand in Identity Center (guide step 2.2), mirroring the Entra user. */
export class IdentityCenterUser extends Construct {
  readonly userId: string;

  constructor(scope: Construct, id: string, props: IdentityCenterUserProps) {
    super(scope, id);
    const { user } = props;
    const principalName = literal(`${user.userName}@${props.domain}`);
    const identityStoreUser = new IdentitystoreUser(this, 'user', {
      identityStoreId: props.identityStoreId,
      userName: principalName,
      displayName: literal(user.displayName),
      name: { givenName: literal(user.givenName), familyName: literal(user.familyName) },
      emails: { value: principalName, primary: true, type: 'work' },
    });
    this.userId = identityStoreUser.userId;
  }
}
