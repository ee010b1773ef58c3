import boto3
# credentials come from the environment or ~/.aws/credentials via boto3's default chain
s3 = boto3.client('s3')
objs = s3.list_objects_v2(Bucket='my-public-data')
