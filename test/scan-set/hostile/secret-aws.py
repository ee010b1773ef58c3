import boto3
s3 = boto3.client('s3', aws_access_key_id='AKIA2E0A8F3B4C5D6E7F', aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
