"""Creates the demo's Cognito user pool, app client and users a / b on the
local emulator, as the seed's 2-cognito.sh does, and prints POOL_ID=... and
CLIENT_ID=... lines. A stand-in used by scripts/demo until `provision`
(bins/provision) exists; boto3 comes with the emulator's venv."""
import os
import boto3

idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                   aws_access_key_id="local", aws_secret_access_key="local")
pool = idp.create_user_pool(
    PoolName="aws-express-session-dynamodb-cognito",
    AliasAttributes=["email"],
    AutoVerifiedAttributes=["email"],
    Policies={"PasswordPolicy": {"MinimumLength": 6, "RequireLowercase": True, "RequireUppercase": False,
                                 "RequireNumbers": False, "RequireSymbols": False}},
)["UserPool"]
client = idp.create_user_pool_client(
    UserPoolId=pool["Id"], ClientName="aws-express-session-dynamodb-cognito", GenerateSecret=False,
    ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                       "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)["UserPoolClient"]
for name, password in (("a", "aaaaaa"), ("b", "bbbbbb")):
    idp.admin_create_user(UserPoolId=pool["Id"], Username=name, TemporaryPassword="Temporary1",
                          MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": f"{name}@{name}.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=password, Permanent=True)
print(f"POOL_ID={pool['Id']}")
print(f"CLIENT_ID={client['ClientId']}")
