"""DeploymentsView in JupyterLab on the manual clock: a canary deployment's traffic split, Roll
back then Confirm, the clock moved, Refresh: rolled back; a blue/green deployment waiting at a
PAUSE hook, Continue."""

from __future__ import annotations

import pytest

SETUP = """\
import ecskit, ipywidgets
from ecskit import ops
session = ecskit.connect()
session.sandbox.clock = 'manual'
ops.create_task_execution_role(session)  # the role the task definitions name
ec2, elbv2, ecs = session.ec2, session.elbv2, session.ecs
vpc = ec2.create_vpc(CidrBlock='10.7.0.0/16')['Vpc']['VpcId']
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.7.{n}.0/24',
                             AvailabilityZone=f'us-east-1{z}')['Subnet']['SubnetId']
           for n, z in ((1, 'a'), (2, 'b'))]
sg = ec2.create_security_group(GroupName='shop', Description='shop', VpcId=vpc)['GroupId']
# a public subnet (route to an internet gateway, public IPs): tasks can reach their registry
igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
main = ec2.describe_route_tables(Filters=[{'Name': 'vpc-id', 'Values': [vpc]}])['RouteTables'][0]
ec2.create_route(RouteTableId=main['RouteTableId'], DestinationCidrBlock='0.0.0.0/0', GatewayId=igw)
lb = elbv2.create_load_balancer(Name='shop', Subnets=subnets)['LoadBalancers'][0]
blue, green = [elbv2.create_target_group(Name=n, Protocol='HTTP', Port=80, VpcId=vpc,
                                         TargetType='ip')['TargetGroups'][0]['TargetGroupArn']
               for n in ('blue', 'green')]
forward = [{'Type': 'forward', 'TargetGroupArn': blue}]
rules = []
for port in (80, 8080):
    listener = elbv2.create_listener(LoadBalancerArn=lb['LoadBalancerArn'], Protocol='HTTP',
                                     Port=port, DefaultActions=forward)['Listeners'][0]
    rules.append(elbv2.create_rule(
        ListenerArn=listener['ListenerArn'], Priority=1, Actions=forward,
        Conditions=[{'Field': 'path-pattern', 'Values': ['/*']}])['Rules'][0]['RuleArn'])
ecs.create_cluster(clusterName='shop')
for image in ('nginx:1.26', 'nginx:1.27'):
    ecs.register_task_definition(
        family='web', requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256',
        memory='512', executionRoleArn='arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        containerDefinitions=[{'name': 'web', 'image': image,
                               'portMappings': [{'containerPort': 80}]}])
ecs.create_service(
    cluster='shop', serviceName='web', taskDefinition='web:1', desiredCount=4,
    launchType='FARGATE',
    networkConfiguration={'awsvpcConfiguration': {'subnets': subnets[:1], 'securityGroups': [sg],
                                                  'assignPublicIp': 'ENABLED'}},
    loadBalancers=[{'targetGroupArn': blue, 'containerName': 'web', 'containerPort': 80,
                    'advancedConfiguration': {
                        'alternateTargetGroupArn': green, 'productionListenerRule': rules[0],
                        'testListenerRule': rules[1],
                        'roleArn': 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'}}],
    deploymentConfiguration=strategy)
session.sandbox.settle()
ecs.update_service(cluster='shop', service='web', taskDefinition='web:2')
session.sandbox.advance(30)  # green runs, then traffic moves or a hook waits"""
CANARY = (
    "strategy = {'strategy': 'CANARY', 'bakeTimeInMinutes': 0, 'canaryConfiguration':"
    " {'canaryPercent': 10.0, 'canaryBakeTimeInMinutes': 10}}\n"
)
PAUSED = (
    "strategy = {'strategy': 'BLUE_GREEN', 'bakeTimeInMinutes': 1, 'lifecycleHooks':"
    " [{'targetType': 'PAUSE', 'lifecycleStages': ['POST_SCALE_UP']}]}\n"
)

CELLS = [
    CANARY + SETUP,
    # the sandbox's clock moves only when told: a button for the test to tell it
    "clock = ipywidgets.Button(description='Advance the clock 60 s', layout={'width': 'auto'})\n"
    "clock.add_class('test-advance')\n"
    "clock.on_click(lambda _: session.sandbox.advance(60))\n"
    "clock",
    "view = ecskit.DeploymentsView(session, 'shop', 'web')\nview",
]


def _view_at_top(page) -> None:
    """Scroll the notebook so the view starts at the top of the screenshot."""
    page.locator(".ecskit-deployments").evaluate("e => e.scrollIntoView({block: 'start'})")


@pytest.mark.browser
def test_roll_back_a_canary_from_the_deployments_view(run_notebook, screenshot) -> None:
    page = run_notebook(CELLS, "deployments-view")
    view = page.locator(".ecskit-deployments")
    view.wait_for(state="visible")
    ongoing = view.locator(".ecskit-ongoing .ecskit-deployment")
    ongoing.wait_for(state="visible")
    assert "IN_PROGRESS" in ongoing.locator(".ecskit-field-status").inner_text()
    target = ongoing.locator(".ecskit-revision-target")
    source = ongoing.locator(".ecskit-revision-source")
    assert "web:2" in target.inner_text() and "10 %" in target.inner_text()
    assert "web:1" in source.inner_text() and "90 %" in source.inner_text()
    _view_at_top(page)
    screenshot(page, "deployments-view-1-canary")

    ongoing.locator("button.ecskit-roll-back").click()
    confirmation = view.locator(".ecskit-confirmation .ecskit-confirm-text")
    confirmation.wait_for(state="visible")
    assert confirmation.inner_text().startswith("Roll back deployment ")
    assert " to revision " in confirmation.inner_text()
    _view_at_top(page)
    screenshot(page, "deployments-view-2-confirm")
    view.locator(".ecskit-confirmation button.ecskit-confirm").click()
    view.locator(".ecskit-message .ecskit-info", has_text="Rolling back").wait_for(state="visible")

    page.locator("button.test-advance").click()
    page.wait_for_timeout(500)  # the kernel runs the click's callback
    view.locator("button.ecskit-refresh").click()
    history = view.locator(".ecskit-history .ecskit-deployments-table")
    history.locator("td", has_text="ROLLBACK_").first.wait_for(state="visible")
    first = history.locator("tr.ecskit-row").first.inner_text()
    assert "ROLLBACK_IN_PROGRESS" in first or "ROLLBACK_SUCCESSFUL" in first
    view.locator(".ecskit-none-ongoing").wait_for(state="visible")
    _view_at_top(page)
    screenshot(page, "deployments-view-3-rolled-back")


@pytest.mark.browser
def test_continue_a_deployment_waiting_at_a_pause_hook(run_notebook, screenshot) -> None:
    page = run_notebook([PAUSED + SETUP, CELLS[-1]], "deployments-view-hook")
    view = page.locator(".ecskit-deployments")
    hook = view.locator(".ecskit-ongoing .ecskit-hook")
    hook.wait_for(state="visible")
    assert "AWAITING_ACTION" in hook.inner_text()
    assert "POST_SCALE_UP" in view.locator(".ecskit-field-lifecycle-stage").first.inner_text()
    _view_at_top(page)
    screenshot(page, "deployments-view-4-paused")
    hook.locator("button.ecskit-continue").click()
    view.locator(".ecskit-message .ecskit-info", has_text="Continued").wait_for(state="visible")
    assert view.locator("button.ecskit-continue").count() == 0
    _view_at_top(page)
    screenshot(page, "deployments-view-5-continued")
