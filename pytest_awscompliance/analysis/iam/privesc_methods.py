"""The privilege-escalation method table, as data.

Provenance (see docs/iam-evaluator.md): the 26 methods of Rhino Security Labs as
implemented by Pacu ``iam__privesc_scan`` (required permissions only, user
variant; ``source="rhino"``) and the 101 combinations of Prowler's
``privilege_escalation_policies_combination`` (``source="prowler"``),
deduplicated by (case-insensitive) action set. When both lists contain the same
set, the Pacu name is kept and the Prowler key becomes an alias. Result: 105
methods.

An action may be a wildcard (``iam:*``, ``iam:Put*``): the method then needs the
*whole* wildcard, see `pytest_awscompliance.analysis.iam.privesc`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "METHODS", "EscalationMethod", "launch_services"]

FAMILIES = (
    "iam-policy",
    "iam-credentials",
    "passrole-compute",
    "lambda",
    "glue",
    "cloudformation",
    "datapipeline",
    "codestar",
    "codebuild",
    "ecs",
    "sagemaker",
    "ssm",
    "autoscaling",
    "ec2",
    "other",
)


@dataclass(frozen=True)
class EscalationMethod:
    """One escalation method: every action in ``actions`` must be allowed."""

    name: str
    actions: tuple[str, ...]
    family: str
    source: str
    aliases: tuple[str, ...] = ()


def _m(
    name: str,
    actions: tuple[str, ...],
    family: str,
    source: str,
    aliases: tuple[str, ...] = (),
) -> EscalationMethod:
    return EscalationMethod(name, actions, family, source, aliases)


METHODS: tuple[EscalationMethod, ...] = (
    # --- Rhino Security Labs / Pacu iam__privesc_scan (catalog §3.1, #1-#26) ---
    _m(
        "CreateNewPolicyVersion",
        ("iam:CreatePolicyVersion",),
        "iam-policy",
        "rhino",
        aliases=("CreatePolicyVersion",),
    ),
    _m(
        "SetExistingDefaultPolicyVersion",
        ("iam:SetDefaultPolicyVersion",),
        "iam-policy",
        "rhino",
        aliases=("SetDefaultPolicyVersion",),
    ),
    _m(
        "CreateEC2WithExistingIP",
        ("iam:PassRole", "ec2:RunInstances"),
        "ec2",
        "rhino",
        aliases=("PassRole+EC2",),
    ),
    _m(
        "CreateAccessKey",
        ("iam:CreateAccessKey",),
        "iam-credentials",
        "rhino",
        aliases=("iam:CreateAccessKey",),
    ),
    _m(
        "CreateLoginProfile",
        ("iam:CreateLoginProfile",),
        "iam-credentials",
        "rhino",
        aliases=("iam:CreateLoginProfile",),
    ),
    _m(
        "UpdateLoginProfile",
        ("iam:UpdateLoginProfile",),
        "iam-credentials",
        "rhino",
        aliases=("iam:UpdateLoginProfile",),
    ),
    _m(
        "AttachUserPolicy",
        ("iam:AttachUserPolicy",),
        "iam-policy",
        "rhino",
        aliases=("iam:AttachUserPolicy",),
    ),
    _m(
        "AttachGroupPolicy",
        ("iam:AttachGroupPolicy",),
        "iam-policy",
        "rhino",
        aliases=("iam:AttachGroupPolicy",),
    ),
    _m(
        "AttachRolePolicy",
        ("iam:AttachRolePolicy", "sts:AssumeRole"),
        "iam-policy",
        "rhino",
        aliases=("AssumeRole+AttachRolePolicy",),
    ),
    _m(
        "PutUserPolicy",
        ("iam:PutUserPolicy",),
        "iam-policy",
        "rhino",
        aliases=("iam:PutUserPolicy",),
    ),
    _m(
        "PutGroupPolicy",
        ("iam:PutGroupPolicy",),
        "iam-policy",
        "rhino",
        aliases=("iam:PutGroupPolicy",),
    ),
    _m(
        "PutRolePolicy",
        ("iam:PutRolePolicy", "sts:AssumeRole"),
        "iam-policy",
        "rhino",
        aliases=("AssumeRole+PutRolePolicy",),
    ),
    _m(
        "AddUserToGroup",
        ("iam:AddUserToGroup",),
        "iam-policy",
        "rhino",
        aliases=("iam:AddUserToGroup",),
    ),
    _m(
        "UpdateRolePolicyToAssumeIt",
        ("iam:UpdateAssumeRolePolicy", "sts:AssumeRole"),
        "iam-policy",
        "rhino",
        aliases=("AssumeRole+UpdateAssumeRolePolicy",),
    ),
    _m(
        "PassExistingRoleToNewLambdaThenInvoke",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"),
        "lambda",
        "rhino",
        aliases=("PassRole+CreateLambda+Invoke",),
    ),
    _m(
        "PassExistingRoleToNewLambdaThenInvokeCrossAccount",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:AddPermission"),
        "lambda",
        "rhino",
        aliases=("PassRole+CreateLambda+AddPermission",),
    ),
    _m(
        "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        (
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
            "dynamodb:CreateTable",
            "dynamodb:PutItem",
        ),
        "lambda",
        "rhino",
        aliases=("PassRole+CreateLambda+NewDynamo",),
    ),
    _m(
        "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        "lambda",
        "rhino",
        aliases=("PassRole+CreateLambda+ExistingDynamo",),
    ),
    _m(
        "PassExistingRoleToNewGlueDevEndpoint",
        ("iam:PassRole", "glue:CreateDevEndpoint", "glue:GetDevEndpoint"),
        "glue",
        "rhino",
    ),
    _m(
        "UpdateExistingGlueDevEndpoint",
        ("glue:UpdateDevEndpoint",),
        "glue",
        "rhino",
        aliases=("GlueUpdateDevEndpoint",),
    ),
    _m(
        "PassExistingRoleToNewCloudFormation",
        ("iam:PassRole", "cloudformation:CreateStack"),
        "cloudformation",
        "rhino",
        aliases=("PassRole+CloudFormationCreateStack",),
    ),
    _m(
        "PassExistingRoleToNewDataPipeline",
        ("iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
        "datapipeline",
        "rhino",
    ),
    _m(
        "EditExistingLambdaFunctionWithRole",
        ("lambda:UpdateFunctionCode",),
        "lambda",
        "rhino",
        aliases=("lambda:UpdateFunctionCode",),
    ),
    _m(
        "PassExistingRoleToNewCodeStarProject",
        ("iam:PassRole", "codestar:CreateProject"),
        "codestar",
        "rhino",
        aliases=("PassRole+CodeStar",),
    ),
    _m(
        "CodeStarCreateProjectFromTemplate",
        ("codestar:CreateProjectFromTemplate",),
        "codestar",
        "rhino",
    ),
    _m(
        "CodeStarCreateProjectThenAssociateTeamMember",
        ("codestar:CreateProject", "codestar:AssociateTeamMember"),
        "codestar",
        "rhino",
    ),
    # --- Prowler privilege_escalation_policies_combination (catalog §3.2) ---
    _m("OverPermissiveIAM", ("iam:*",), "iam-policy", "prowler"),
    _m("IAMPut", ("iam:Put*",), "iam-policy", "prowler"),
    _m("iam:AttachRolePolicy", ("iam:AttachRolePolicy",), "iam-policy", "prowler"),
    _m("iam:PutRolePolicy", ("iam:PutRolePolicy",), "iam-policy", "prowler"),
    _m("iam:UpdateAssumeRolePolicy", ("iam:UpdateAssumeRolePolicy",), "iam-policy", "prowler"),
    _m(
        "CreateAccessKey+DeleteAccessKey",
        ("iam:CreateAccessKey", "iam:DeleteAccessKey"),
        "iam-credentials",
        "prowler",
    ),
    _m(
        "AttachUserPolicy+CreateAccessKey",
        ("iam:AttachUserPolicy", "iam:CreateAccessKey"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "PutUserPolicy+CreateAccessKey",
        ("iam:CreateAccessKey", "iam:PutUserPolicy"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "AttachRolePolicy+UpdateAssumeRolePolicy",
        ("iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "CreatePolicyVersion+UpdateAssumeRolePolicy",
        ("iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "PutRolePolicy+UpdateAssumeRolePolicy",
        ("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "AssumeRole+CreatePolicyVersion",
        ("iam:CreatePolicyVersion", "sts:AssumeRole"),
        "iam-policy",
        "prowler",
    ),
    _m("PassRole+EC2SpotInstances", ("ec2:RequestSpotInstances", "iam:PassRole"), "ec2", "prowler"),
    _m(
        "EC2ModifyInstanceAttribute",
        ("ec2:ModifyInstanceAttribute", "ec2:StartInstances", "ec2:StopInstances"),
        "ec2",
        "prowler",
    ),
    _m(
        "EC2ModifyLaunchTemplate",
        ("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"),
        "ec2",
        "prowler",
    ),
    _m(
        "EC2InstanceConnect+SendSSHPublicKey",
        ("ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"),
        "ec2",
        "prowler",
    ),
    _m(
        "lambda:UpdateFunctionConfiguration",
        ("lambda:UpdateFunctionConfiguration",),
        "lambda",
        "prowler",
    ),
    _m(
        "UpdateFunctionCode+InvokeFunction",
        ("lambda:InvokeFunction", "lambda:UpdateFunctionCode"),
        "lambda",
        "prowler",
    ),
    _m(
        "UpdateFunctionCode+AddPermission",
        ("lambda:AddPermission", "lambda:UpdateFunctionCode"),
        "lambda",
        "prowler",
    ),
    _m(
        "PassRole+GlueCreateDevEndpoint",
        ("glue:CreateDevEndpoint", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m(
        "PassRole+GlueCreateJob+StartJobRun",
        ("glue:CreateJob", "glue:StartJobRun", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m(
        "PassRole+GlueCreateJob+CreateTrigger",
        ("glue:CreateJob", "glue:CreateTrigger", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m(
        "PassRole+GlueUpdateJob+StartJobRun",
        ("glue:StartJobRun", "glue:UpdateJob", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m(
        "PassRole+GlueUpdateJob+CreateTrigger",
        ("glue:CreateTrigger", "glue:UpdateJob", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m("CloudFormationUpdateStack", ("cloudformation:UpdateStack",), "cloudformation", "prowler"),
    _m(
        "PassRole+CloudFormationCreateStackSet",
        ("cloudformation:CreateStackInstances", "cloudformation:CreateStackSet", "iam:PassRole"),
        "cloudformation",
        "prowler",
    ),
    _m(
        "PassRole+CloudFormationUpdateStackSet",
        ("cloudformation:UpdateStackSet", "iam:PassRole"),
        "cloudformation",
        "prowler",
    ),
    _m(
        "CloudFormationChangeSet",
        ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
        "cloudformation",
        "prowler",
    ),
    _m(
        "PassRole+DataPipeline",
        (
            "datapipeline:ActivatePipeline",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "iam:PassRole",
        ),
        "datapipeline",
        "prowler",
    ),
    _m(
        "PassRole+CodeBuildCreateProject+StartBuild",
        ("codebuild:CreateProject", "codebuild:StartBuild", "iam:PassRole"),
        "codebuild",
        "prowler",
    ),
    _m(
        "PassRole+CodeBuildCreateProject+StartBuildBatch",
        ("codebuild:CreateProject", "codebuild:StartBuildBatch", "iam:PassRole"),
        "codebuild",
        "prowler",
    ),
    _m("CodeBuildStartBuild", ("codebuild:StartBuild",), "codebuild", "prowler"),
    _m("CodeBuildStartBuildBatch", ("codebuild:StartBuildBatch",), "codebuild", "prowler"),
    _m(
        "PassRole+CreateAutoScaling",
        (
            "autoscaling:CreateAutoScalingGroup",
            "autoscaling:CreateLaunchConfiguration",
            "iam:PassRole",
        ),
        "autoscaling",
        "prowler",
    ),
    _m(
        "PassRole+UpdateAutoScaling",
        (
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:UpdateAutoScalingGroup",
            "iam:PassRole",
        ),
        "autoscaling",
        "prowler",
    ),
    _m(
        "PassRole+ECS+RegisterTaskDef+CreateService",
        ("ecs:CreateService", "ecs:RegisterTaskDefinition", "iam:PassRole"),
        "ecs",
        "prowler",
    ),
    _m(
        "PassRole+ECS+RegisterTaskDef+RunTask",
        ("ecs:RegisterTaskDefinition", "ecs:RunTask", "iam:PassRole"),
        "ecs",
        "prowler",
    ),
    _m(
        "PassRole+ECS+RegisterTaskDef+StartTask",
        ("ecs:RegisterTaskDefinition", "ecs:StartTask", "iam:PassRole"),
        "ecs",
        "prowler",
    ),
    _m(
        "PassRole+ECS+StartTask",
        (
            "ecs:DeregisterContainerInstance",
            "ecs:RegisterContainerInstance",
            "ecs:StartTask",
            "iam:PassRole",
        ),
        "ecs",
        "prowler",
    ),
    _m("PassRole+ECS+RunTask", ("ecs:RunTask", "iam:PassRole"), "ecs", "prowler"),
    _m("ECS+ExecuteCommand", ("ecs:DescribeTasks", "ecs:ExecuteCommand"), "ecs", "prowler"),
    _m(
        "PassRole+SageMakerCreateNotebookInstance",
        ("iam:PassRole", "sagemaker:CreateNotebookInstance"),
        "sagemaker",
        "prowler",
    ),
    _m(
        "PassRole+SageMakerCreateTrainingJob",
        ("iam:PassRole", "sagemaker:CreateTrainingJob"),
        "sagemaker",
        "prowler",
    ),
    _m(
        "PassRole+SageMakerCreateProcessingJob",
        ("iam:PassRole", "sagemaker:CreateProcessingJob"),
        "sagemaker",
        "prowler",
    ),
    _m(
        "SageMakerCreatePresignedNotebookInstanceUrl",
        ("sagemaker:CreatePresignedNotebookInstanceUrl",),
        "sagemaker",
        "prowler",
    ),
    _m(
        "SageMakerNotebookLifecycleConfig",
        (
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StartNotebookInstance",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
        ),
        "sagemaker",
        "prowler",
    ),
    _m("SSMStartSession", ("ssm:StartSession",), "ssm", "prowler"),
    _m("SSMSendCommand", ("ssm:SendCommand",), "ssm", "prowler"),
    _m(
        "PassRole+AppRunnerCreateService",
        ("apprunner:CreateService", "iam:PassRole"),
        "passrole-compute",
        "prowler",
    ),
    _m("AppRunnerUpdateService", ("apprunner:UpdateService",), "other", "prowler"),
    _m(
        "PassRole+AgentCoreCreateInterpreter+InvokeInterpreter",
        (
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:InvokeCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "iam:PassRole",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "AgentCoreSessionInvoke",
        (
            "bedrock-agentcore:InvokeCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
        ),
        "other",
        "prowler",
    ),
    _m(
        "AgentCoreInvokeRuntimeCommand",
        ("bedrock-agentcore:InvokeAgentRuntimeCommand",),
        "other",
        "prowler",
    ),
    _m(
        "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand",
        (
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
            "iam:PassRole",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+AgentCoreCreateHarness+InvokeRuntimeCommand",
        (
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateHarness",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:GetAgentRuntime",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
            "iam:PassRole",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "AgentCoreBrowserSessionConnect",
        (
            "bedrock-agentcore:ConnectBrowserAutomationStream",
            "bedrock-agentcore:StartBrowserSession",
        ),
        "other",
        "prowler",
    ),
    _m(
        "PassRole+AgentCoreCreateBrowser+ConnectBrowser",
        (
            "bedrock-agentcore:ConnectBrowserAutomationStream",
            "bedrock-agentcore:CreateBrowser",
            "bedrock-agentcore:StartBrowserSession",
            "iam:PassRole",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+BatchRegisterJobDef+SubmitJob",
        ("batch:RegisterJobDefinition", "batch:SubmitJob", "iam:PassRole"),
        "passrole-compute",
        "prowler",
    ),
    _m("BatchSubmitJob", ("batch:SubmitJob",), "other", "prowler"),
    _m(
        "PassRole+BraketCreateJob",
        ("braket:CreateJob", "iam:PassRole"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "CodeDeployCreateDeployment",
        (
            "codedeploy:CreateDeployment",
            "codedeploy:GetDeploymentConfig",
            "codedeploy:RegisterApplicationRevision",
        ),
        "other",
        "prowler",
    ),
    _m(
        "PassRole+CognitoSetIdentityPoolRoles",
        ("cognito-identity:SetIdentityPoolRoles", "iam:PassRole"),
        "other",
        "prowler",
    ),
    _m("PassRole+ECSStartTaskExistingCluster", ("ecs:StartTask", "iam:PassRole"), "ecs", "prowler"),
    _m(
        "PassRole+EMRRunJobFlow",
        ("elasticmapreduce:RunJobFlow", "iam:PassRole"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+EMRServerlessCreateApp+StartJobRun",
        ("emr-serverless:CreateApplication", "emr-serverless:StartJobRun", "iam:PassRole"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+GameLiftCreateBuild+CreateFleet",
        (
            "gamelift:CreateBuild",
            "gamelift:CreateFleet",
            "gamelift:RequestUploadCredentials",
            "iam:PassRole",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+GlueCreateSession+RunStatement",
        ("glue:CreateSession", "glue:RunStatement", "iam:PassRole"),
        "glue",
        "prowler",
    ),
    _m(
        "PassRole+ImageBuilderCreateComponent+CreateImage",
        (
            "iam:PassRole",
            "imagebuilder:CreateComponent",
            "imagebuilder:CreateImage",
            "imagebuilder:CreateImageRecipe",
            "imagebuilder:CreateInfrastructureConfiguration",
        ),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+KinesisAnalyticsCreateApp+StartApp",
        ("iam:PassRole", "kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+OmicsCreateWorkflow+StartRun",
        ("iam:PassRole", "omics:CreateWorkflow", "omics:StartRun", "s3:GetObject"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+SchedulerCreateSchedule",
        ("iam:PassRole", "scheduler:CreateSchedule"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "PassRole+SSMCreateDocument+StartAutomation",
        ("iam:PassRole", "ssm:CreateDocument", "ssm:StartAutomationExecution"),
        "ssm",
        "prowler",
    ),
    _m(
        "PassRole+StepFunctionsCreateStateMachine+StartExecution",
        ("iam:PassRole", "states:CreateStateMachine", "states:StartExecution"),
        "passrole-compute",
        "prowler",
    ),
    _m(
        "StepFunctionsUpdateStateMachine+StartExecution",
        ("states:StartExecution", "states:UpdateStateMachine"),
        "other",
        "prowler",
    ),
    _m(
        "iam:DeleteUserPermissionsBoundary",
        ("iam:DeleteUserPermissionsBoundary",),
        "iam-policy",
        "prowler",
    ),
    _m(
        "AssumeRole+DeleteRolePermissionsBoundary",
        ("iam:DeleteRolePermissionsBoundary", "sts:AssumeRole"),
        "iam-policy",
        "prowler",
    ),
    _m(
        "SSOCreatePermissionSet+CreateAccountAssignment+AttachManagedPolicy",
        (
            "sso:AttachManagedPolicyToPermissionSet",
            "sso:CreateAccountAssignment",
            "sso:CreatePermissionSet",
        ),
        "other",
        "prowler",
    ),
    _m(
        "sso:AttachManagedPolicyToPermissionSet",
        ("sso:AttachManagedPolicyToPermissionSet",),
        "other",
        "prowler",
    ),
    _m(
        "sso:PutInlinePolicyToPermissionSet",
        ("sso:PutInlinePolicyToPermissionSet",),
        "other",
        "prowler",
    ),
)


_EC2 = "ec2.amazonaws.com"
_SERVICE_OF_FAMILY = {
    "lambda": ("lambda.amazonaws.com",), "glue": ("glue.amazonaws.com",),
    "cloudformation": ("cloudformation.amazonaws.com",),
    "datapipeline": ("datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"),
    "codestar": ("codestar.amazonaws.com",), "codebuild": ("codebuild.amazonaws.com",),
    "ecs": ("ecs-tasks.amazonaws.com",), "sagemaker": ("sagemaker.amazonaws.com",),
    "ssm": ("ssm.amazonaws.com",), "autoscaling": (_EC2,), "ec2": (_EC2,),
}
_SERVICE_OF_PREFIX = {
    "apprunner": ("tasks.apprunner.amazonaws.com", "build.apprunner.amazonaws.com"),
    "bedrock-agentcore": ("bedrock-agentcore.amazonaws.com",),
    "batch": ("ecs-tasks.amazonaws.com", "batch.amazonaws.com"),
    "braket": ("braket.amazonaws.com",),
    "cognito-identity": ("cognito-identity.amazonaws.com",),
    "elasticmapreduce": (_EC2, "elasticmapreduce.amazonaws.com"),
    "emr-serverless": ("emr-serverless.amazonaws.com",),
    "gamelift": ("gamelift.amazonaws.com",), "imagebuilder": (_EC2,),
    "kinesisanalytics": ("kinesisanalytics.amazonaws.com",),
    "omics": ("omics.amazonaws.com",), "scheduler": ("scheduler.amazonaws.com",),
    "states": ("states.amazonaws.com",),
}


def launch_services(method: EscalationMethod) -> tuple[str, ...]:
    """Service principals a role passed by ``method`` must trust (``iam:PassedToService``
    values); empty for methods that pass no role."""
    if not any(a.lower() == "iam:passrole" for a in method.actions):
        return ()
    for action in method.actions:
        prefix = action.partition(":")[0].lower()
        if prefix in _SERVICE_OF_PREFIX:
            return _SERVICE_OF_PREFIX[prefix]
    return _SERVICE_OF_FAMILY.get(method.family, ())
