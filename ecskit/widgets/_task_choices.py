"""Where a task runs, as the task-definition form offers it: launch type, OS/architecture and
network mode, each with the console's one-line explanation."""

from __future__ import annotations

LAUNCH_TYPES = [
    ("AWS Fargate", "FARGATE"),
    ("Amazon EC2 instances", "EC2"),
    ("External instances (ECS Anywhere)", "EXTERNAL"),
]
PLATFORMS = [
    ("Linux/X86_64", ("LINUX", "X86_64")),
    ("Linux/ARM64", ("LINUX", "ARM64")),
    ("Windows Server 2022 Full/X86_64", ("WINDOWS_SERVER_2022_FULL", "X86_64")),
    ("Windows Server 2022 Core/X86_64", ("WINDOWS_SERVER_2022_CORE", "X86_64")),
    ("Windows Server 2019 Full/X86_64", ("WINDOWS_SERVER_2019_FULL", "X86_64")),
    ("Windows Server 2019 Core/X86_64", ("WINDOWS_SERVER_2019_CORE", "X86_64")),
    ("Windows Server 2016 Full/X86_64", ("WINDOWS_SERVER_2016_FULL", "X86_64")),
    ("Windows Server 2004 Core/X86_64", ("WINDOWS_SERVER_2004_CORE", "X86_64")),
    ("Windows Server 20H2 Core/X86_64", ("WINDOWS_SERVER_20H2_CORE", "X86_64")),
]
# The console's one-line explanation of each network mode ("" = Windows' default: no networkMode).
NETWORK_MODES = {
    "awsvpc": "Each task gets its own elastic network interface (ENI); services and tasks then "
    "need subnets, security groups and a public-IP choice. Required on Fargate.",
    "bridge": "Docker's built-in virtual network inside each EC2 instance; container ports map "
    "to static or dynamic host ports.",
    "host": "Containers use the instance's network directly: one copy of the task per instance "
    "when ports are mapped.",
    "none": "No external network connectivity.",
    "": "Windows' default: Docker's built-in virtual network on Windows (no networkMode sent).",
}
# Where a port mapping may name its own host port (awsvpc and host use the container port).
HOST_PORT_MODES = ("bridge", "")
